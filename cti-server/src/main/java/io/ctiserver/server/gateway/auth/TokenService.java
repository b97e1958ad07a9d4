package io.ctiserver.server.gateway.auth;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opaque bearer tokens: 256 random bits from SecureRandom, base64url, valid until an expiry. Opaque rather than signed:
 * one gateway node issues and checks them, so there is no signature to get wrong and no extra library. (With several
 * nodes, the token map moves to the shared store.)
 */
public final class TokenService {

    private static final SecureRandom RANDOM = new SecureRandom();

    public record Grant(String token, User user, Instant expiresAt) {
        /** Never prints the token. */
        @Override
        public String toString() {
            return "Grant[" + user.username() + ", expires " + expiresAt + "]";
        }
    }

    private final Map<String, Grant> grants = new ConcurrentHashMap<>();
    private final Clock clock;
    private final long ttlSeconds;

    public TokenService(Clock clock, long ttlSeconds) {
        this.clock = clock;
        this.ttlSeconds = ttlSeconds;
    }

    public Grant issue(User user) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Grant g = new Grant(token, user, clock.instant().plusSeconds(ttlSeconds));
        grants.put(token, g);
        return g;
    }

    public Optional<Grant> check(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        Grant g = grants.get(token);
        if (g == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(g.expiresAt())) {
            grants.remove(token, g);
            return Optional.empty();
        }
        return Optional.of(g);
    }

    public void revoke(String token) {
        if (token != null) {
            grants.remove(token);
        }
    }

    /** Drops expired grants; called periodically. */
    public void sweep() {
        Instant now = clock.instant();
        grants.values().removeIf(g -> !now.isBefore(g.expiresAt()));
    }

    public int size() {
        return grants.size();
    }
}
