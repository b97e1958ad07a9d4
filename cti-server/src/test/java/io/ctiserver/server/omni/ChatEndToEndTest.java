package io.ctiserver.server.omni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.server.gateway.Json;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A customer on the chat port, agents on the desktop gateway: offer, accept, messages both ways, close, record. */
class ChatEndToEndTest {

    private OmniFixture f;

    @BeforeEach
    void start() throws Exception {
        f = new OmniFixture(OmniFixture.config(OmniFixture.chat(), null));
    }

    @AfterEach
    void stop() {
        f.close();
    }

    @Test
    void customerToAgentAndBackThenClosedWithTranscriptInTheRecord() throws Exception {
        try (Ws ann = f.readyAgent("ann"); Ws customer = f.startChat("Alice")) {
            customer.message("Waiting for an agent");
            JsonNode offer = ann.next("contact.offered").get("payload");
            String id = offer.at("/contact/contact/id").asText();
            assertEquals("chat", offer.at("/contact/contact/medium").asText());
            assertEquals("Alice", offer.at("/customer/name").asText());
            assertEquals("alice@example.com", offer.at("/customer/email").asText());
            assertEquals("billing", offer.at("/contact/contact/routingData/topic").asText());
            assertTrue(offer.at("/contact/offerExpires").isTextual());
            assertEquals(1, ann.next("agent.load").at("/payload/load/chat").asInt());

            JsonNode accepted = ann.command("a1", "{\"command\":\"contact.accept\",\"contactId\":\"" + id + "\"}");
            assertTrue(accepted.path("ok").asBoolean(), accepted.toString());
            customer.message("ann joined the chat");

            String script = "<script>alert('x')</script> & <b>bold</b>";
            customer.send(Json.MAPPER.createObjectNode().put("type", "message").put("text", script).toString());
            JsonNode got = ann.next(m -> "contact.message".equals(m.path("type").asText())
                    && "customer".equals(m.at("/payload/entry/from").asText()), "customer message");
            assertEquals(script, got.at("/payload/entry/text").asText(), "kept as written; pages show it as text");
            assertEquals(id, got.at("/payload/contactId").asText());

            customer.send("{\"type\":\"typing\"}");
            assertEquals(id, ann.next("contact.typing").at("/payload/contactId").asText());

            JsonNode reply = ann.command("r1", "{\"command\":\"contact.reply\",\"contactId\":\"" + id
                    + "\",\"text\":\"Hello Alice,\\nhow can I help?\"}");
            assertTrue(reply.path("ok").asBoolean(), reply.toString());
            JsonNode m = customer.message("how can I help");
            assertEquals("agent", m.path("from").asText());
            assertEquals("ann", m.path("name").asText());
            assertEquals("Hello Alice,\nhow can I help?", m.path("text").asText());

            JsonNode closed = ann.command("c1", "{\"command\":\"contact.close\",\"contactId\":\"" + id
                    + "\",\"disposition\":\"solved\",\"notes\":\"refund sent\"}");
            assertTrue(closed.path("ok").asBoolean(), closed.toString());
            assertEquals("answered", closed.at("/data/record/result").asText());
            assertEquals("agent", closed.at("/data/record/endedBy").asText());
            assertEquals("closed", customer.next("closed").path("type").asText());
            assertEquals(0, f.omni.service().loads().get(0).load().chat(), "the close freed the chat slot");

            String token = f.login("ann");
            HttpResponse<String> rec = f.postCommand(token, "{\"command\":\"contact.record\",\"contactId\":\"" + id
                    + "\"}");
            JsonNode stored = Json.MAPPER.readTree(rec.body());
            assertEquals(200, rec.statusCode(), rec.body());
            assertEquals("chat", stored.at("/data/record/medium").asText());
            assertEquals("solved", stored.at("/data/record/disposition").asText());
            assertEquals("refund sent", stored.at("/data/record/data/notes").asText());
            JsonNode transcript = stored.at("/data/transcript");
            assertTrue(transcript.size() >= 4, transcript.toString());
            boolean sawScript = false;
            for (JsonNode e : transcript) {
                sawScript |= script.equals(e.path("text").asText());
            }
            assertTrue(sawScript);
        }
    }

    @Test
    void anAgentCannotActOnAnotherAgentsChat() throws Exception {
        try (Ws ann = f.readyAgent("ann"); Ws bob = f.desktop("bob"); Ws customer = f.startChat("Carl")) {
            String id = ann.next("contact.offered").at("/payload/contact/contact/id").asText();
            JsonNode r = bob.command("x", "{\"command\":\"contact.accept\",\"contactId\":\"" + id + "\"}");
            assertFalse(r.path("ok").asBoolean());
            assertEquals("forbidden", r.at("/error/code").asText());
            JsonNode s = bob.command("y", "{\"command\":\"contact.reply\",\"contactId\":\"" + id
                    + "\",\"text\":\"hi\"}");
            assertEquals("forbidden", s.at("/error/code").asText());
        }
    }

    @Test
    void severalChatsAtOnceUpToCapacityThenTheNextWaits() throws Exception {
        try (Ws ann = f.readyAgent("ann")) {
            Ws[] customers = new Ws[4];
            for (int i = 0; i < 4; i++) {
                customers[i] = f.startChat("C" + i);
            }
            for (int i = 0; i < 3; i++) {
                ann.next("contact.offered");
            }
            assertEquals(3, f.omni.service().loads().get(0).load().chat());
            // The fourth waits until one ends; decline one, and it is not offered to ann again at once...
            try (Ws bob = f.readyAgent("bob")) {
                JsonNode fourth = bob.next("contact.offered");
                assertEquals("C3", fourth.at("/payload/customer/name").asText());
            }
            for (Ws c : customers) {
                c.close();
            }
        }
    }

    @Test
    void reconnectResumesWithEverythingAfterTheLastSeq() throws Exception {
        try (Ws ann = f.readyAgent("ann")) {
            Ws first = f.startChat("Dora");
            JsonNode welcome = null;
            String id = ann.next("contact.offered").at("/payload/contact/contact/id").asText();
            ann.command("a", "{\"command\":\"contact.accept\",\"contactId\":\"" + id + "\"}");
            JsonNode joined = first.message("joined");
            long seq = joined.path("seq").asLong();
            first.close(); // the connection drops
            ann.command("r", "{\"command\":\"contact.reply\",\"contactId\":\"" + id + "\",\"text\":\"still there?\"}");
            String token = tokenOf(id);
            try (Ws again = f.customer()) {
                again.send("{\"type\":\"resume\",\"chat\":\"" + id + "\",\"token\":\"" + token + "\",\"lastSeq\":"
                        + seq + "}");
                welcome = again.next("welcome");
                assertEquals(id, welcome.path("chat").asText());
                assertEquals("still there?", again.message("still there").path("text").asText());
                again.send("{\"type\":\"message\",\"text\":\"yes\"}");
                ann.next(m -> "contact.message".equals(m.path("type").asText())
                        && "yes".equals(m.at("/payload/entry/text").asText()), "yes");
            }
            try (Ws thief = f.customer()) {
                thief.send("{\"type\":\"resume\",\"chat\":\"" + id + "\",\"token\":\"guessed\",\"lastSeq\":0}");
                assertEquals("not_found", thief.next("error").path("code").asText());
            }
        }
    }

    /** The resume token as the first welcome gave it (kept by the service per chat). */
    private String tokenOf(String id) throws Exception {
        return f.omni.service().call(() -> f.omni.service().resumeTokenForTests(id)).get();
    }

    @Test
    void aReloadedDesktopGetsItsContactsBack() throws Exception {
        try (Ws ann = f.readyAgent("ann"); Ws customer = f.startChat("Lou")) {
            String id = ann.next("contact.offered").at("/payload/contact/contact/id").asText();
            ann.command("a", "{\"command\":\"contact.accept\",\"contactId\":\"" + id + "\"}");
            customer.send("{\"type\":\"message\",\"text\":\"are you there?\"}");
            ann.next("contact.message");
            try (Ws reloaded = f.desktop("ann")) {
                JsonNode list = reloaded.command("l", "{\"command\":\"contact.list\"}");
                JsonNode contacts = list.at("/data/contacts");
                assertEquals(1, contacts.size(), list.toString());
                assertEquals(id, contacts.get(0).at("/contact/contact/id").asText());
                assertEquals("active", contacts.get(0).at("/contact/state").asText());
                assertTrue(contacts.get(0).get("transcript").toString().contains("are you there?"));
            }
            try (Ws bob = f.desktop("bob")) {
                assertEquals(0, bob.command("l", "{\"command\":\"contact.list\"}").at("/data/contacts").size());
            }
        }
    }

    @Test
    void anAgentWithoutADesktopIsMadeAwayAndTheNextAgentGetsTheChatAtOnce() throws Exception {
        Ws ann = f.readyAgent("ann");
        try (Ws bob = f.readyAgent("bob")) {
            ann.close(); // ann's desktop is gone; she is still "ready"
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (f.gateway.sessions().all().stream().anyMatch(s -> s.user().username().equals("ann") && s.attached())
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            long t0 = System.nanoTime();
            try (Ws customer = f.startChat("Max")) {
                assertEquals("Max", bob.next("contact.offered").at("/payload/customer/name").asText());
                assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "not after the 30 s offer timeout");
                assertFalse(f.omni.service().loads().stream().filter(l -> l.agent().equals("ann")).findFirst()
                        .orElseThrow().ready());
            }
        }
    }

    @Test
    void widgetAndDemoPageAreServed() throws Exception {
        HttpResponse<String> js = f.chatGet("/chat/widget.js");
        assertEquals(200, js.statusCode());
        assertTrue(js.headers().firstValue("content-type").orElse("").startsWith("text/javascript"));
        assertTrue(js.body().contains("/chat/ws"));
        assertFalse(js.body().contains("innerHTML"), "the widget shows text as text");
        HttpResponse<String> page = f.chatGet("/chat/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<script src=\"/chat/widget.js\""));
        assertEquals(404, f.chatGet("/etc/passwd").statusCode());
    }
}
