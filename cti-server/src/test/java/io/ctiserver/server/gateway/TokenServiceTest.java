package io.ctiserver.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.server.gateway.auth.Role;
import io.ctiserver.server.gateway.auth.TokenService;
import io.ctiserver.server.gateway.auth.User;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenServiceTest {

    private static final User SUP = new User("sup", Role.SUPERVISOR, null, null, null, null, "pbx1", List.of(), false,
            List.of());

    /** A clock the test moves. */
    private static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-11-23T10:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void tokensAreRandomOpaqueAndExpire() {
        MovableClock clock = new MovableClock();
        TokenService tokens = new TokenService(clock, 60);
        TokenService.Grant a = tokens.issue(SUP);
        TokenService.Grant b = tokens.issue(SUP);
        assertNotEquals(a.token(), b.token());
        assertEquals(32, Base64.getUrlDecoder().decode(a.token()).length, "256 bits");
        assertTrue(tokens.check(a.token()).isPresent());
        assertTrue(!a.toString().contains(a.token()), "toString hides the token");
        clock.now = clock.now.plusSeconds(60);
        assertTrue(tokens.check(a.token()).isEmpty(), "expired");
        tokens.sweep();
        assertEquals(0, tokens.size());
    }

    @Test
    void aUserKeepsAtMostTheNewestTokens() {
        TokenService tokens = new TokenService(new MovableClock(), 3600);
        List<String> issued = new ArrayList<>();
        for (int i = 0; i < TokenService.MAX_TOKENS_PER_USER + 5; i++) {
            issued.add(tokens.issue(SUP).token());
        }
        assertEquals(TokenService.MAX_TOKENS_PER_USER, tokens.size());
        assertTrue(tokens.check(issued.get(0)).isEmpty(), "the oldest was revoked");
        assertTrue(tokens.check(issued.get(issued.size() - 1)).isPresent());
    }
}
