package io.ctiserver.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A token ends by logout or expiry, and with it everything it opened: REST answers 401 and the WebSocket it
 * authenticated is closed with 4401 and the reason, while the same user's other tokens keep working.
 */
class TokenLifecycleTest {

    @Test
    void logoutRevokesTheTokenAndClosesItsWebSocketOnly() throws Exception {
        try (Fixture f = new Fixture()) {
            String token = f.login("agent201");
            String other = f.login("agent201");
            WsClient ws = WsClient.connect(f.port(), "token=" + token);
            ws.next("welcome");
            WsClient stays = WsClient.connect(f.port(), "token=" + other);
            stays.next("welcome");

            assertEquals(200, f.post("/api/logout", "", token).statusCode());

            assertEquals("4401 token revoked (logged out)", ws.closed.get(5, TimeUnit.SECONDS));
            assertEquals(401, f.get("/api/calls", token).statusCode());
            assertEquals(401, f.post("/api/logout", "", token).statusCode(), "a revoked token cannot log out twice");
            WsClient again = WsClient.connect(f.port(), "token=" + token);
            assertEquals("4401 invalid or expired token", again.closed.get(5, TimeUnit.SECONDS));

            stays.send("{\"type\":\"ping\"}");
            stays.next("pong");
            assertEquals(200, f.get("/api/calls", other).statusCode());
            stays.close();
        }
    }

    @Test
    void anExpiredTokenClosesItsWebSocketWithTheReason() throws Exception {
        GatewayConfig config = new GatewayConfig("127.0.0.1", 0, null, null, Fixture.users(), 1, "", 0, 0, 0, 0, 0,
                0, 0, 0, 100, "pbx1", null);
        try (Fixture f = new Fixture(config)) {
            String token = f.login("sup");
            WsClient ws = WsClient.connect(f.port(), "token=" + token);
            ws.next("welcome");
            long t0 = System.nanoTime();
            String closed = ws.closed.get(5, TimeUnit.SECONDS);
            assertEquals("4401 token expired", closed);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertEquals(true, ms < 2_000, "closed " + ms + " ms after the welcome, the token living 1 s");
            assertEquals(401, f.get("/api/calls", token).statusCode());
        }
    }
}
