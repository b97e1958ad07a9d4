package io.ctiserver.server.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The keepalive counts what a desktop sends: one that receives events all the time is pinged too and stays while it
 * answers; one that never answers is closed after three pings. (Found by the soak: every busy desktop was closed as
 * "idle" 95 s after its last own frame, because pings went only to desktops that had been sent nothing.)
 * The ping period is 1 s here ({@code cti.gateway.pingSeconds}).
 */
class GatewayKeepaliveTest {

    @BeforeEach
    void fastPings() {
        System.setProperty("cti.gateway.pingSeconds", "1");
    }

    @AfterEach
    void defaultPings() {
        System.clearProperty("cti.gateway.pingSeconds");
    }

    @Test
    void aBusyDesktopThatAnswersPingsStaysAndASilentOneIsClosed() throws Exception {
        try (Fixture f = new Fixture(); WsClient busy = f.desktop("sup"); Socket silent = new Socket()) {
            silent.connect(new InetSocketAddress("127.0.0.1", f.port()));
            OutputStream out = silent.getOutputStream();
            out.write(("GET /ws?token=" + f.login("admin") + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                    + Base64.getEncoder().encodeToString("0123456789abcdef".getBytes()) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long t0 = System.nanoTime();
            // Events to the busy desktop every 100 ms for 5 s: it never sends a message of its own, only pongs.
            for (int i = 1; i <= 50; i++) {
                f.gateway.onEvent(GatewayResumeTest.pauseEvent(i));
                Thread.sleep(100);
            }
            assertFalse(busy.closed.isDone(), "the busy desktop was closed: " + busy.closed.getNow(null));
            busy.send("{\"type\":\"ping\"}");
            busy.next("pong");

            // The raw socket reads (so it is not a slow consumer) but never answers a ping: closed with 1001.
            silent.setSoTimeout(10_000);
            InputStream in = silent.getInputStream();
            String seen = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(seen.contains("idle: no frame for 3 s"), seen);
            assertTrue(ms >= 2_500 && ms < 8_000, "closed after " + ms + " ms");
            long pings = seen.chars().filter(c -> c == 0x89).count(); // the ping frame's first byte
            assertTrue(pings >= 2, "pinged " + pings + " times before the close");
        }
    }
}
