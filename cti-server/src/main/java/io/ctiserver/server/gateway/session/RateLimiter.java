package io.ctiserver.server.gateway.session;

/** A token bucket: {@code perSecond} sustained, {@code burst} at once. Thread-safe. */
public final class RateLimiter {

    private final double perNano;
    private final double burst;
    private double tokens;
    private long last;

    public RateLimiter(double perSecond, int burst) {
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.last = System.nanoTime();
    }

    public synchronized boolean tryAcquire() {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - last) * perNano);
        last = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
