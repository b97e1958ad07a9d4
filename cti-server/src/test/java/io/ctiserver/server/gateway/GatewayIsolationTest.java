package io.ctiserver.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.server.gateway.session.DesktopSession;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** A desktop that stops reading is closed; the tracker's thread and the other desktops go on. */
class GatewayIsolationTest {

    @Test
    void aDesktopThatNeverReadsIsClosedAndOthersGetEverything() throws Exception {
        GatewayConfig config = new GatewayConfig("127.0.0.1", 0, null, null, Fixture.users(), 0, null, 0, 64, 0, 0,
                0, 0, 0, 0, 0, "pbx1", null);
        try (Fixture f = new Fixture(config);
             Socket stuck = new Socket()) {
            // The supervisor's desktop: a raw TCP WebSocket client that upgrades, then never reads again.
            stuck.setReceiveBufferSize(4096);
            stuck.connect(new InetSocketAddress("127.0.0.1", f.port()));
            OutputStream out = stuck.getOutputStream();
            out.write(("GET /ws?token=" + f.login("sup") + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                    + Base64.getEncoder().encodeToString("0123456789abcdef".getBytes()) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String headers = readHeaders(stuck.getInputStream());
            assertTrue(headers.startsWith("HTTP/1.1 101"), headers);

            try (WsClient healthy = f.desktop("agent201")) {
                DesktopSession stuckSession = f.gateway.sessions().all().stream()
                        .filter(s -> s.user().username().equals("sup")).findFirst().orElseThrow();
                String big = "x".repeat(4000);
                int pushed = 0;
                // The test thread plays the tracker: it pushes until the gateway gives up on the stuck desktop.
                while (stuckSession.closeReason() == null && pushed < 20_000) {
                    f.gateway.onEvent(GatewayResumeTest.pauseEvent(++pushed, big + pushed));
                    if (pushed % 200 == 0) {
                        waitForDispatch(f, pushed);
                    }
                }
                waitForDispatch(f, pushed);
                assertNotNull(stuckSession.closeReason(), "closed after " + pushed + " events");
                assertTrue(stuckSession.closeReason().contains("not reading"), stuckSession.closeReason());
                assertEquals(0, f.gateway.fanout().dropped(), "the tracker's hand-off never overflowed");

                for (int i = 1; i <= pushed; i++) {
                    JsonNode e = healthy.next("agent.state");
                    assertEquals(i, e.get("seq").asLong());
                    assertEquals(big + i, e.get("payload").get("agent").get("pausedReason").asText());
                }
            }
            // The stuck socket was closed by the gateway: draining it ends in EOF.
            stuck.setSoTimeout(10_000);
            InputStream in = stuck.getInputStream();
            byte[] buf = new byte[65536];
            while (in.read(buf) >= 0) {
                // drain what the kernel had buffered
            }
        }
    }

    private static void waitForDispatch(Fixture f, int pushed) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (f.gateway.fanout().dispatched() < pushed && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    private static String readHeaders(InputStream in) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (!b.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            b.write(c);
        }
        return b.toString(StandardCharsets.US_ASCII);
    }
}
