package io.ctiserver.server.gateway.bench;

import io.ctiserver.server.gateway.session.SharedBody;
import io.ctiserver.server.gateway.session.WriteProbe;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's own side of a fan-out, without the desktops': for each event frame, the time from the event entering
 * the gateway (its fan-out's inbox) to the frame's bytes handed to the kernel for that desktop (the write completed
 * on the connection's event loop), and per event the time to its last desktop. Each write costs a slot in two arrays;
 * what the frames were of is sorted out after the run.
 */
final class FanoutProbe implements WriteProbe {

    private static final int MAX_SAMPLES = 1 << 20;

    /** Percentiles in microseconds: per frame, and per event to its last desktop. */
    record Result(Percentiles frames, Percentiles lastDesktop) {
    }

    private final SharedBody[] bodies = new SharedBody[MAX_SAMPLES];
    private final long[] writtenAt = new long[MAX_SAMPLES];
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public void written(SharedBody body, long writtenNanos) {
        int slot = count.getAndIncrement();
        if (slot < MAX_SAMPLES) {
            writtenAt[slot] = writtenNanos;
            bodies[slot] = body;
        }
    }

    /** Forgets what was written so far (call while nothing is being written). */
    void reset() {
        int n = Math.min(count.getAndSet(0), MAX_SAMPLES);
        Arrays.fill(bodies, 0, n, null);
    }

    /** The frames of events whose {@code type} is {@code type} (call while nothing is being written). */
    Result of(String type) {
        byte[] prefix = ("{\"type\":\"" + type + "\"").getBytes(StandardCharsets.UTF_8);
        int n = Math.min(count.get(), MAX_SAMPLES);
        long[] frames = new long[n];
        int f = 0;
        Map<SharedBody, long[]> last = new IdentityHashMap<>();
        for (int i = 0; i < n; i++) {
            SharedBody b = bodies[i];
            if (b == null || !startsWith(b.json(), prefix)) {
                continue;
            }
            long took = writtenAt[i] - b.enteredNanos();
            frames[f++] = took;
            long[] max = last.computeIfAbsent(b, k -> new long[1]);
            max[0] = Math.max(max[0], took);
        }
        long[] events = last.values().stream().mapToLong(m -> m[0]).toArray();
        return new Result(Percentiles.of(Arrays.copyOf(frames, f)), Percentiles.of(events));
    }

    private static boolean startsWith(byte[] json, byte[] prefix) {
        return json.length >= prefix.length && Arrays.equals(json, 0, prefix.length, prefix, 0, prefix.length);
    }
}
