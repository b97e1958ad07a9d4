package io.ctiserver.server.omni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.ctiserver.server.gateway.Json;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bot answers first; a person gets the chat with the bot's transcript and what it collected. */
class BotHandoverTest {

    private OmniFixture f;
    private HttpServer botServer;

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
        if (botServer != null) {
            botServer.stop(0);
        }
    }

    private static OmniConfig.Bot faq() {
        return new OmniConfig.Bot(true, "Robin", "classpath:omni/faq.json", null, null, 2);
    }

    private static String msg(String text) {
        return Json.MAPPER.createObjectNode().put("type", "message").put("text", text).toString();
    }

    @Test
    void faqBotAnswersCollectsAndHandsOverWhenAskedForAPerson() throws Exception {
        f = new OmniFixture(OmniFixture.config(OmniFixture.chat(), faq()));
        try (Ws ann = f.readyAgent("ann"); Ws c = f.startChat("Gina")) {
            assertEquals("bot", c.message("Hello Gina").path("from").asText());
            c.send(msg("Hi, I forgot my password, how do I reset my password?"));
            JsonNode answer = c.message("sign-in page");
            assertEquals("Robin", answer.path("name").asText());
            assertEquals("https://example.com/help/password", answer.path("links").asText());
            c.send(msg("my account number is 12345678"));
            c.message("noted your account number");
            assertTrue(ann.received.stream().noneMatch(m -> "contact.offered".equals(m.path("type").asText())),
                    "no agent while the bot copes");
            c.send(msg("it still fails, I want to talk to a person"));
            c.message("passing you to a colleague");
            JsonNode offer = ann.next("contact.offered").get("payload");
            JsonNode data = offer.at("/contact/contact/routingData");
            assertEquals("password_reset", data.path("intent").asText());
            assertEquals("12345678", data.path("account").asText());
            assertEquals("the customer asked for a person", data.path("handover").asText());
            JsonNode transcript = offer.get("transcript");
            assertTrue(transcript.size() >= 7, transcript.toString());
            assertEquals("bot", transcript.get(0).path("from").asText());
            assertTrue(transcript.toString().contains("how do I reset my password?"));
        }
    }

    @Test
    void faqBotHandsOverAfterTwoQuestionsItCannotAnswer() throws Exception {
        f = new OmniFixture(OmniFixture.config(OmniFixture.chat(), faq()));
        try (Ws ann = f.readyAgent("ann"); Ws c = f.startChat("Hugo")) {
            c.send(msg("blorp zzz"));
            c.message("did not understand");
            c.send(msg("qwerty uiop"));
            JsonNode data = ann.next("contact.offered").at("/payload/contact/contact/routingData");
            assertEquals("the bot did not understand 2 questions in a row", data.path("handover").asText());
        }
    }

    @Test
    void theCustomerCanAskForAnAgentWithTheButton() throws Exception {
        f = new OmniFixture(OmniFixture.config(OmniFixture.chat(), faq()));
        try (Ws ann = f.readyAgent("ann"); Ws c = f.startChat("Ines")) {
            c.send("{\"type\":\"agent\"}");
            assertEquals("the customer asked for a person",
                    ann.next("contact.offered").at("/payload/contact/contact/routingData/handover").asText());
        }
    }

    @Test
    void externalBotOverHttpWithADeadlineAndASafeDefault() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        botServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        botServer.createContext("/bot", ex -> {
            JsonNode turn = Json.MAPPER.readTree(ex.getRequestBody());
            byte[] body;
            if (calls.incrementAndGet() == 1) {
                body = ("{\"text\":\"External says: you wrote " + turn.path("text").asText().length()
                        + " chars\",\"intent\":\"billing\",\"data\":{\"account\":\"42\"}}")
                        .getBytes(StandardCharsets.UTF_8);
            } else {
                try {
                    Thread.sleep(4000); // past the deadline
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                body = "{\"text\":\"too late\"}".getBytes(StandardCharsets.UTF_8);
            }
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        botServer.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        botServer.start();
        OmniConfig.Bot bot = new OmniConfig.Bot(true, "Ext", null,
                "http://127.0.0.1:" + botServer.getAddress().getPort() + "/bot", 1000L, 2);
        f = new OmniFixture(OmniFixture.config(OmniFixture.chat(), bot));
        try (Ws ann = f.readyAgent("ann"); Ws c = f.startChat("Jo")) {
            c.send(msg("hello"));
            assertEquals("Ext", c.message("External says: you wrote 5 chars").path("name").asText());
            long t0 = System.nanoTime();
            c.send(msg("and now?"));
            JsonNode data = ann.next("contact.offered").at("/payload/contact/contact/routingData");
            assertTrue((System.nanoTime() - t0) / 1_000_000 < 3500, "handed over at the deadline, not after the bot");
            assertEquals("the bot gave no answer within 1000 ms", data.path("handover").asText());
            assertEquals("billing", data.path("intent").asText());
            assertEquals("42", data.path("account").asText());
        }
    }

    @Test
    void knowledgeBaseIsSearchableFromTheDesktopOverRest() throws Exception {
        f = new OmniFixture(OmniFixture.config(OmniFixture.chat(), faq()));
        String token = f.login("ann");
        HttpResponse<String> r = f.postCommand(token, "{\"command\":\"kb.search\",\"q\":\"where is my invoice\"}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode results = Json.MAPPER.readTree(r.body()).at("/data/results");
        assertEquals("invoice-copy", results.get(0).path("id").asText());
        assertTrue(results.get(0).path("answer").asText().contains("Account > Billing"));
        HttpResponse<String> none = f.postCommand(token, "{\"command\":\"kb.search\",\"q\":\"xyzzy\"}");
        assertEquals(0, Json.MAPPER.readTree(none.body()).at("/data/results").size());
    }
}
