package io.ctiserver.server.omni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.server.gateway.Json;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Customers sending what they should not: each gets a clear error or a close, and nothing already said is lost. */
class ChatBadInputTest {

    private OmniFixture f;

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    private void start(OmniConfig.Chat chat) throws Exception {
        f = new OmniFixture(OmniFixture.config(chat, null));
    }

    private static OmniConfig.Chat chat(Integer maxConnectionsPerIp, Double newChatsPerMinute, Integer outboundFrames,
                                        Integer authTimeout) {
        return new OmniConfig.Chat("127.0.0.1", 0, 8192, 2000, 3.0, 10, maxConnectionsPerIp, newChatsPerMinute,
                outboundFrames, 120, authTimeout);
    }

    private static String message(String text) {
        return Json.MAPPER.createObjectNode().put("type", "message").put("text", text).toString();
    }

    @Test
    void oversizedTextsAndScriptsAndFileLinks() throws Exception {
        start(chat(null, null, null, null));
        try (Ws c = f.startChat("Eve")) {
            c.send(message("x".repeat(2001)));
            assertEquals("too_long", c.next("error").path("code").asText());
            c.send(message("ring \u0007 the bell"));
            assertEquals("invalid_text", c.next("error").path("code").asText());
            c.send(message("please open https://files.example.com/invoice.pdf"));
            assertEquals("file_link", c.next("error").path("code").asText());
            c.send(message("or file:///etc/passwd"));
            assertEquals("file_link", c.next("error").path("code").asText());
            c.send("{not json");
            assertEquals("invalid_json", c.next("error").path("code").asText());
            // The chat goes on; web pages without a file are fine, and script is just text.
            c.send(message("see https://example.com/help <img src=x onerror=alert(1)>"));
            assertEquals("see https://example.com/help <img src=x onerror=alert(1)>",
                    c.message("onerror").path("text").asText());
        }
        try (Ws c = f.customer()) {
            c.send(message("x".repeat(9000))); // over the 8 KiB frame limit: the connection is closed (1009)
            assertEquals(1009, c.closeCode());
        }
    }

    @Test
    void preChatFormIsChecked() throws Exception {
        start(chat(null, null, null, null));
        try (Ws c = f.customer()) {
            c.send("{\"type\":\"message\",\"text\":\"hi\"}");
            assertEquals("no_chat", c.next("error").path("code").asText());
            c.send("{\"type\":\"start\",\"email\":\"a@example.com\"}");
            assertEquals("missing_field", c.next("error").path("code").asText());
            c.send("{\"type\":\"start\",\"name\":\"Al\"}");
            assertEquals("missing_field", c.next("error").path("code").asText());
            c.send("{\"type\":\"start\",\"name\":\"Al\",\"email\":\"not an email\"}");
            assertEquals("invalid_field", c.next("error").path("code").asText());
            c.send("{\"type\":\"start\",\"name\":\"Al\",\"phone\":\"+33 1 23 45 67 89\"}");
            assertTrue(c.next("welcome").path("chat").asText().startsWith("chat-"));
        }
    }

    @Test
    void aFloodIsRefusedThenCut() throws Exception {
        start(chat(null, null, null, null));
        try (Ws c = f.startChat("Flo")) {
            for (int i = 0; i < 80 && !c.closed.isDone(); i++) {
                c.ws.sendText(message("spam " + i), true);
            }
            JsonNode limited = c.next(m -> "rate_limited".equals(m.path("code").asText()), "rate_limited");
            assertEquals("error", limited.path("type").asText());
            assertEquals(1008, c.closeCode());
        }
    }

    @Test
    void connectionsAndNewChatsPerAddressAreLimited() throws Exception {
        start(chat(3, 2.0, null, null));
        Ws a = f.startChat("A");
        Ws b = f.startChat("B");
        Ws c = f.customer();
        c.send("{\"type\":\"start\",\"name\":\"C\",\"email\":\"c@example.com\"}");
        assertEquals("rate_limited", c.next("error").path("code").asText(), "a third chat within the minute");
        assertThrows(Exception.class, f::customer, "a fourth connection from the same address");
        a.close();
        b.close();
        c.close();
    }

    @Test
    void aConnectionThatNeverStartsAChatIsClosed() throws Exception {
        start(chat(null, null, null, 1));
        try (Ws c = f.customer()) {
            assertEquals(4408, c.closeCode());
        }
    }

    @Test
    void aCustomerWhoNeverReadsIsCutOffAndGetsEverythingOnResume() throws Exception {
        start(chat(null, null, 16, null));
        try (Ws ann = f.readyAgent("ann"); Socket raw = new Socket()) {
            raw.setReceiveBufferSize(4096);
            raw.connect(new InetSocketAddress("127.0.0.1", f.omni.chatPort()));
            OutputStream out = raw.getOutputStream();
            out.write(("GET /chat/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            readHeaders(raw.getInputStream());
            out.write(maskedText("{\"type\":\"start\",\"name\":\"Sleepy\",\"email\":\"s@example.com\"}"));
            out.flush();
            JsonNode offer = ann.next("contact.offered");
            String id = offer.at("/payload/contact/contact/id").asText();
            ann.command("a", "{\"command\":\"contact.accept\",\"contactId\":\"" + id + "\"}");
            String big = "y".repeat(20_000);
            int sent = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (f.omni.chat().closedNotReading() == 0 && System.nanoTime() < deadline && sent < 900) {
                f.omni.service().agentMessage("ann", id, big + " #" + sent).get(5, TimeUnit.SECONDS);
                sent++;
            }
            assertEquals(1, f.omni.chat().closedNotReading(), "cut off after " + sent + " unread messages");
            // Nothing lost: resuming from the start gets every message the agent sent.
            String token = f.omni.service().call(() -> f.omni.service().resumeTokenForTests(id)).get();
            try (Ws back = f.customer()) {
                back.send("{\"type\":\"resume\",\"chat\":\"" + id + "\",\"token\":\"" + token + "\",\"lastSeq\":0}");
                back.next("welcome");
                for (int i = 0; i < sent; i++) {
                    String suffix = " #" + i;
                    JsonNode m = back.next(x -> "agent".equals(x.path("from").asText()), "agent message " + i);
                    assertTrue(m.path("text").asText().endsWith(suffix), "in order: " + i);
                }
            }
        }
    }

    private static void readHeaders(InputStream in) throws Exception {
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("no upgrade");
            }
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1
                    : 0;
        }
    }

    private static byte[] maskedText(String s) {
        byte[] p = s.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {1, 2, 3, 4};
        byte[] f = new byte[2 + 4 + p.length];
        f[0] = (byte) 0x81;
        f[1] = (byte) (0x80 | p.length);
        System.arraycopy(mask, 0, f, 2, 4);
        for (int i = 0; i < p.length; i++) {
            f[6 + i] = (byte) (p[i] ^ mask[i % 4]);
        }
        return f;
    }
}
