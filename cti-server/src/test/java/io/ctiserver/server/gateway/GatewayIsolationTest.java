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
                // The test thread plays the tracker: it pushes until the gateway gives up on the stuck desktop. The
                // healthy desktop keeps up (batches of 20, well under the limit of 64 unwritten frames) and must get
                // every event, in order.
                while (stuckSession.closeReason() == null && pushed < 20_000) {
                    int from = pushed + 1;
                    for (int k = 0; k < 20; k++) {
                        f.gateway.onEvent(GatewayResumeTest.pauseEvent(++pushed, big + pushed));
                    }
                    for (int i = from; i <= pushed; i++) {
                        JsonNode e = healthy.next("agent.state");
                        assertEquals(i, e.get("seq").asLong());
                        assertEquals(big + i, e.get("payload").get("agent").get("pausedReason").asText());
                    }
                }
                assertNotNull(stuckSession.closeReason(), "closed after " + pushed + " events");
                assertTrue(stuckSession.closeReason().contains("not reading"), stuckSession.closeReason());
                assertEquals(0, f.gateway.fanout().dropped(), "the tracker's hand-off never overflowed");
                assertEquals(null, f.gateway.sessions().all().stream()
                        .filter(s -> s.user().username().equals("agent201")).findFirst().orElseThrow().closeReason());
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

    /** Large frames: the byte cap closes the desktop long before the frame count (100,000) would. */
    @Test
    void aDesktopThatNeverReadsIsClosedOnUnwrittenBytesToo() throws Exception {
        GatewayConfig config = new GatewayConfig("127.0.0.1", 0, null, null, Fixture.users(), 0, null, 0, 100_000, 0,
                0, 0, 0, 0, 0, 0, "pbx1", null);
        try (Fixture f = new Fixture(config);
             Socket stuck = new Socket()) {
            stuck.setReceiveBufferSize(4096);
            stuck.connect(new InetSocketAddress("127.0.0.1", f.port()));
            OutputStream out = stuck.getOutputStream();
            out.write(("GET /ws?token=" + f.login("sup") + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                    + Base64.getEncoder().encodeToString("0123456789abcdef".getBytes()) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertTrue(readHeaders(stuck.getInputStream()).startsWith("HTTP/1.1 101"));
            DesktopSession s = null;
            for (long until = System.nanoTime() + 5_000_000_000L; s == null && System.nanoTime() < until; ) {
                s = f.gateway.sessions().all().stream().filter(x -> x.user().username().equals("sup")
                        && x.attached()).findFirst().orElse(null);
                Thread.sleep(10);
            }
            assertNotNull(s, "the desktop's session");
            String big = "x".repeat(30_000);
            int pushed = 0;
            while (s.closeReason() == null && pushed < 2_000) {
                f.gateway.onEvent(GatewayResumeTest.pauseEvent(++pushed, big + pushed));
                Thread.sleep(1);
            }
            assertNotNull(s.closeReason(), "never closed after " + pushed + " events of 30 KB");
            assertTrue(s.closeReason().contains("MiB") && s.closeReason().contains("not reading"), s.closeReason());
            // 1 MiB pending plus what the socket buffers took: far fewer than the frame limit.
            assertTrue(pushed < 1_000, "closed after " + pushed + " events");
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
