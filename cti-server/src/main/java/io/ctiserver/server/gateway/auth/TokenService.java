package io.ctiserver.server.gateway.auth;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

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

    /** Tokens per user beyond which the oldest is revoked: a login loop cannot grow the map without bound. */
    public static final int MAX_TOKENS_PER_USER = 32;

    private final Map<String, Grant> grants = new ConcurrentHashMap<>();
    private final Map<String, ArrayDeque<String>> byUser = new HashMap<>();
    private final Clock clock;
    private final long ttlSeconds;
    /** Told of every grant that ends before its holder let go (revoked, expired, pushed out), with the reason. */
    private volatile BiConsumer<Grant, String> onEnded = (g, why) -> { };

    public TokenService(Clock clock, long ttlSeconds) {
        this.clock = clock;
        this.ttlSeconds = ttlSeconds;
    }

    /** {@code listener} learns of each grant that ends: revoked, expired or pushed out; it must not block. */
    public void onEnded(BiConsumer<Grant, String> listener) {
        this.onEnded = listener;
    }

    public Grant issue(User user) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Grant g = new Grant(token, user, clock.instant().plusSeconds(ttlSeconds));
        grants.put(token, g);
        synchronized (byUser) {
            ArrayDeque<String> own = byUser.computeIfAbsent(user.username(), k -> new ArrayDeque<>());
            own.removeIf(t -> !grants.containsKey(t));
            own.addLast(token);
            while (own.size() > MAX_TOKENS_PER_USER) {
                ended(grants.remove(own.removeFirst()), "token replaced by newer logins");
            }
        }
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
            if (grants.remove(token, g)) {
                ended(g, "token expired");
            }
            return Optional.empty();
        }
        return Optional.of(g);
    }

    /** Logout: the token stops working now, and whatever it opened is told so ("token revoked"). */
    public void revoke(String token) {
        if (token != null) {
            ended(grants.remove(token), "token revoked (logged out)");
        }
    }

    /** Drops expired grants, telling the listener; called periodically. */
    public void sweep() {
        Instant now = clock.instant();
        for (Grant g : grants.values()) {
            if (!now.isBefore(g.expiresAt()) && grants.remove(g.token(), g)) {
                ended(g, "token expired");
            }
        }
    }

    private void ended(Grant g, String reason) {
        if (g != null) {
            onEnded.accept(g, reason);
        }
    }

    public int size() {
        return grants.size();
    }
}
