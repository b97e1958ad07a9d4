package io.ctiserver.server.gateway.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing: after {@value #MAX_FAILURES} failed logins of one configured user within
 * {@value #WINDOW_SECONDS} s, that user's logins are refused until the window has passed. Only configured usernames
 * are tracked, so the map is bounded by the user list; unknown names cost the same PBKDF2 work and share the login
 * executor's bounded queue.
 */
public final class LoginThrottle {

    static final int MAX_FAILURES = 5;
    static final long WINDOW_SECONDS = 60;

    private record Failures(int count, long windowStartNanos) {
    }

    private final Map<String, Failures> failures = new ConcurrentHashMap<>();
    private final UserDirectory users;

    public LoginThrottle(UserDirectory users) {
        this.users = users;
    }

    public boolean blocked(String username) {
        Failures f = failures.get(username);
        if (f == null) {
            return false;
        }
        if (System.nanoTime() - f.windowStartNanos > WINDOW_SECONDS * 1_000_000_000L) {
            failures.remove(username, f);
            return false;
        }
        return f.count >= MAX_FAILURES;
    }

    public void failed(String username) {
        if (username == null || users.byName(username).isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        failures.merge(username, new Failures(1, now), (old, one) ->
                now - old.windowStartNanos > WINDOW_SECONDS * 1_000_000_000L ? one
                        : new Failures(old.count + 1, old.windowStartNanos));
    }

    public void succeeded(String username) {
        failures.remove(username);
    }
}
