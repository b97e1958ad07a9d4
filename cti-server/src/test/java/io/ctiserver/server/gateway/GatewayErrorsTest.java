package io.ctiserver.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Bad input gets a precise error, and the connection stays where that makes sense. */
class GatewayErrorsTest {

    private static GatewayConfig config(double perSecond, int burst, int maxFrame) {
        return new GatewayConfig("127.0.0.1", 0, null, null, Fixture.users(), 0, null, maxFrame, 0, 0, 0, 0, 5,
                perSecond, burst, 0, "pbx1", null);
    }

    private static void assertAlive(WsClient c) throws InterruptedException {
        c.send("{\"type\":\"ping\"}");
        c.next("pong");
    }

    @Test
    void malformedMessagesAreAnsweredAndTheConnectionStays() throws Exception {
        try (Fixture f = new Fixture(config(100, 100, 0)); WsClient c = f.desktop("agent201")) {
            c.send("{\"type\":\"command\",");
            JsonNode e = c.next("error");
            assertEquals("invalid_json", e.get("error").get("code").asText());
            assertAlive(c);

            c.send("[1,2]");
            assertEquals("invalid_json", c.next("error").get("error").get("code").asText());

            c.send("{\"id\":\"x\"}");
            assertEquals("missing_field", c.next("error").get("error").get("code").asText());

            c.send("{\"type\":\"teleport\",\"id\":\"t\"}");
            assertEquals("unknown_command", c.next("error").get("error").get("code").asText());

            JsonNode r = c.command("u", "{\"command\":\"self.destruct\"}");
            assertEquals("unknown_command", r.get("error").get("code").asText());

            r = c.command("m", "{\"command\":\"hangup\"}");
            assertEquals("missing_field", r.get("error").get("code").asText());
            assertTrue(r.get("error").get("message").asText().contains("callId"));

            r = c.command("i", "{\"command\":\"pause\",\"reason\":\"Lunch\\r\\nAction: Originate\"}");
            assertEquals("invalid_field", r.get("error").get("code").asText(), "no AMI header injection");

            r = c.command("n", "{\"command\":\"dial\",\"number\":\"12;rm\"}");
            assertEquals("invalid_field", r.get("error").get("code").asText());

            r = c.command("nf", "{\"command\":\"hangup\",\"callId\":\"nope\"}");
            assertEquals("not_found", r.get("error").get("code").asText());
            assertAlive(c);
        }
    }

    @Test
    void unauthenticatedDesktopsMayOnlyAuthenticate() throws Exception {
        try (Fixture f = new Fixture(config(100, 100, 0))) {
            String token = f.login("agent201");
            WsClient anon = WsClient.connect(f.port(), null);
            JsonNode r = anon.command("c", "{\"command\":\"hangup\",\"callId\":\"c1\"}");
            assertEquals("unauthenticated", r.get("error").get("code").asText());
            anon.send("{\"type\":\"auth\",\"token\":\"" + token + "\"}");
            assertEquals("agent201", anon.next("welcome").get("user").asText());
            anon.close();

            WsClient forged = WsClient.connect(f.port(), "token=forged");
            assertEquals("unauthenticated", forged.next("error").get("error").get("code").asText());
            assertTrue(forged.closed.get(10, TimeUnit.SECONDS).startsWith("4401"));

            WsClient silent = WsClient.connect(f.port(), null);
            assertTrue(silent.closed.get(10, TimeUnit.SECONDS).startsWith("4408"), "auth timeout (5 s)");
        }
    }

    @Test
    void tooManyCommandsPerSecondAreRefused() throws Exception {
        try (Fixture f = new Fixture(config(0.5, 3, 0)); WsClient c = f.desktop("agent201")) {
            int ok = 0;
            int limited = 0;
            for (int i = 0; i < 8; i++) {
                JsonNode r = c.command("r" + i, "{\"command\":\"unpause\"}");
                if (r.get("ok").asBoolean()) {
                    ok++;
                } else {
                    assertEquals("rate_limited", r.get("error").get("code").asText());
                    limited++;
                }
            }
            assertTrue(ok >= 3 && ok <= 5, "burst of 3 then 0.5/s: " + ok + " ok");
            assertTrue(limited >= 3, limited + " limited");
            assertAlive(c);
            assertTrue(f.gateway.audit().recent().stream().anyMatch(e -> e.result().equals("rate_limited")));
        }
    }

    @Test
    void aFrameOverTheLimitClosesWithMessageTooBig() throws Exception {
        try (Fixture f = new Fixture(config(100, 100, 4096)); WsClient c = f.desktop("agent201")) {
            c.send("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(10_000) + "\"}");
            String closed = c.closed.get(10, TimeUnit.SECONDS);
            assertTrue(closed.startsWith("1009"), closed);
            // The gateway itself is fine.
            try (WsClient other = f.desktop("agent202")) {
                assertAlive(other);
            }
            assertFalse(f.gateway.sessions().all().isEmpty());
        }
    }

    @Test
    void aRestBodyOverTheLimitGetsAJsonError() throws Exception {
        try (Fixture f = new Fixture(config(100, 100, 4096))) {
            String token = f.login("agent201");
            var r = f.post("/api/commands", "{\"command\":\"pause\",\"reason\":\"" + "x".repeat(10_000) + "\"}",
                    token);
            assertEquals(413, r.statusCode());
            assertEquals("frame_too_large", Fixture.json(r).get("error").get("code").asText());
        }
    }

    @Test
    void reconnectingWithoutTheSessionIdCannotPileUpSessions() throws Exception {
        try (Fixture f = new Fixture(config(100, 100, 0))) {
            String token = f.login("agent201");
            java.util.List<WsClient> clients = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                WsClient c = WsClient.connect(f.port(), "token=" + token);
                c.next("snapshot");
                clients.add(c);
            }
            assertEquals(20, f.gateway.sessions().size(), "live connections keep their sessions");
            clients.forEach(WsClient::close);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (f.gateway.sessions().all().stream().anyMatch(s -> s.attached()) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            try (WsClient again = WsClient.connect(f.port(), "token=" + token)) {
                again.next("snapshot");
                assertEquals(io.ctiserver.server.gateway.session.SessionRegistry.MAX_SESSIONS_PER_USER,
                        f.gateway.sessions().size());
            }
        }
    }

    @Test
    void restReadsAreRateLimitedPerUser() throws Exception {
        // 1 command/s, burst 2: any request 5/s, burst 10.
        try (Fixture f = new Fixture(config(1, 2, 0))) {
            String agent = f.login("agent201");
            String sup = f.login("sup");
            int ok = 0;
            int limited = 0;
            for (int i = 0; i < 30; i++) {
                var r = f.get("/api/calls", agent);
                if (r.statusCode() == 200) {
                    ok++;
                } else {
                    assertEquals(429, r.statusCode(), r.body());
                    assertEquals("rate_limited", Fixture.json(r).path("error").path("code").asText());
                    limited++;
                }
            }
            assertTrue(ok >= 10 && ok < 20 && limited > 10, ok + " answered, " + limited + " limited");
            assertEquals(200, f.get("/api/calls", sup).statusCode(), "another user is not limited");
        }
    }

    @Test
    void repeatedFailedLoginsAreThrottled() throws Exception {
        try (Fixture f = new Fixture(config(100, 100, 0))) {
            for (int i = 0; i < 5; i++) {
                assertEquals(401, f.post("/api/login", "{\"username\":\"agent201\",\"password\":\"guess" + i + "\"}",
                        null).statusCode());
            }
            var r = f.post("/api/login", "{\"username\":\"agent201\",\"password\":\"" + Fixture.PASSWORD + "\"}", null);
            assertEquals(429, r.statusCode(), "even the right password waits out the window");
            assertEquals("rate_limited", Fixture.json(r).get("error").get("code").asText());
            f.login("agent202"); // other users are not affected
        }
    }

    @Test
    void aMessageFloodClosesTheConnection() throws Exception {
        try (Fixture f = new Fixture(config(1, 2, 0)); WsClient c = WsClient.connect(f.port(), null)) {
            // Unauthenticated garbage counts too: 2/s sustained after a burst of 10 messages.
            // Each send waits for the previous one: the JDK's WebSocket fails a send issued while another is
            // still in flight, and on a busy machine too few messages would then reach the server.
            for (int i = 0; i < 40 && !c.closed.isDone(); i++) {
                try {
                    c.ws.sendText("{\"type\":\"ping\"}", true).get(5, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException closedByServer) {
                    break;
                }
            }
            assertTrue(c.closed.get(10, TimeUnit.SECONDS).startsWith("1008"), "closed as a flood");
        }
    }
}
