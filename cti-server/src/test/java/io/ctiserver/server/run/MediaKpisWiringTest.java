package io.ctiserver.server.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctiserver.server.omni.CustomerLink;
import io.ctiserver.server.omni.OmniService;
import io.ctiserver.server.omni.email.InboundEmail;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/kpis} carries the same per-medium figures as the supervisors' {@code kpi} event ({@code media}),
 * with the chats and emails live now, on the wired server; the answer is checked against the OpenAPI document, the
 * event against the AsyncAPI document.
 */
class MediaKpisWiringTest {

    private static final CustomerLink SILENT = new CustomerLink() {
        @Override
        public void send(byte[] frame) {
        }

        @Override
        public void close(byte[] lastFrame) {
        }
    };

    @Test
    void theRestKpisShowTheMediaOfTheKpiEventWithTheLiveContacts() throws Exception {
        ObjectNode root = DemoServers.withPassword(DemoServers.config(), "pw");
        root.withObject("/omni").withObject("/bot").put("enabled", false);
        try (CtiServer server = DemoServers.start(root);
             DesktopClient sup = DesktopClient.login(server.gateway().port(), "supervisor", "pw");
             DesktopClient agent = DesktopClient.login(server.gateway().port(), "agent201", "pw")) {
            OmniService omni = server.omni().service();
            String chat = omni.startChat(new OmniService.ChatStart("Eve", "eve@example.com", null, "support"), SILENT)
                    .get(5, TimeUnit.SECONDS);
            omni.emailReceived(new InboundEmail("<m1@example.net>", null, List.of(), "kim@example.net", "Kim",
                    "Invoice", "Hello", Instant.now())).get(5, TimeUnit.SECONDS);

            JsonNode media = restMedia(sup, m -> live(m, "chat", "support").path("waiting").asInt() == 1
                    && live(m, "email", "support").path("waiting").asInt() == 1, "a chat and an email waiting");
            assertTrue(live(media, "chat", "support").has("oldestWaitingSince"), media.toString());
            assertEquals(0, live(media, "chat", "support").path("inProgress").asInt());

            // agent201 takes the chat, answers and closes it; the email is offered to them meanwhile
            assertTrue(command(agent, Map.of("command", "contact.ready", "ready", true, "queues", "support"))
                    .path("ok").asBoolean());
            agent.awaitKeepingOthers(f -> f.path("type").asText().equals("contact.offered")
                    && f.at("/payload/contact/contact/id").asText().equals(chat), Duration.ofSeconds(10), "the offer");
            assertTrue(command(agent, Map.of("command", "contact.accept", "contactId", chat)).path("ok").asBoolean());
            restMedia(sup, m -> live(m, "chat", "support").path("inProgress").asInt() == 1
                    && live(m, "chat", "support").path("waiting").asInt() == 0, "the chat in progress");
            assertTrue(command(agent, Map.of("command", "contact.reply", "contactId", chat, "text", "Hello Eve"))
                    .path("ok").asBoolean());
            assertTrue(command(agent, Map.of("command", "contact.close", "contactId", chat, "disposition", "solved"))
                    .path("ok").asBoolean());
            JsonNode after = restMedia(sup, m -> figure(m, "chat", "support").path("answered").asInt() == 1
                    && live(m, "chat", "support").isMissingNode(), "the chat counted and no longer live");
            assertEquals(100.0, figure(after, "chat", "support").path("serviceLevelPercent").asDouble(), 1e-9);
            assertEquals(1, live(after, "email", "support").path("waiting").asInt(), "offered, not accepted: waiting");
            // today's figures beside the window's: since midnight in the KPI zone
            JsonNode today = after.path("today");
            assertEquals(java.time.LocalDate.now(java.time.ZoneId.of(today.path("zone").asText())).toString(),
                    today.path("day").asText(), today.toString());
            assertEquals(1, figure(today, "chat", "support").path("answered").asInt(), today.toString());
            assertEquals(100.0, figure(today, "chat", "support").path("serviceLevelPercent").asDouble(), 1e-9);
            assertTrue(figure(today, "email", "support").isMissingNode(), "no email ended today");
            JsonNode occupancy = today.path("occupancy");
            double chatToday = occupancy.path("perMedium").path("chat").asDouble(-1);
            assertTrue(chatToday > 0 && chatToday < 100, "agent201 held the chat part of its time: " + occupancy);
            assertTrue(occupancy.path("anyMedium").asDouble(-1) >= chatToday, occupancy.toString());

            // the kpi event says the same (its frames are checked against the AsyncAPI document as they arrive)
            JsonNode event = sup.await(f -> f.path("type").asText().equals("kpi")
                    && figure(f.at("/payload/media"), "chat", "support").path("answered").asInt() == 1,
                    Duration.ofSeconds(15), "a kpi event with the chat");
            JsonNode fromEvent = event.at("/payload/media");
            JsonNode fromRest = restMedia(sup, m -> true, "the kpis");
            assertEquals(figure(fromEvent, "chat", "support"), figure(fromRest, "chat", "support"));
            assertEquals(live(fromEvent, "email", "support"), live(fromRest, "email", "support"));
            assertEquals(fromEvent.path("windowSeconds"), fromRest.path("windowSeconds"));
            assertEquals(figure(fromEvent.path("today"), "chat", "support"),
                    figure(fromRest.path("today"), "chat", "support"));

            // an agent still reads only their own entry, without media
            DesktopClient.Rest own = agent.get("/api/kpis");
            assertEquals(200, own.status());
            assertTrue(own.body().path("media").isMissingNode(), own.body().toString());
            sup.checkContract();
            agent.checkContract();
        }
    }

    /** Polls GET /api/kpis (contract-checked) until its media passes {@code until}; the media. */
    private static JsonNode restMedia(DesktopClient sup, Predicate<JsonNode> until, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        JsonNode media = null;
        while (System.nanoTime() < deadline) {
            DesktopClient.Rest r = sup.get("/api/kpis");
            assertEquals(200, r.status(), r.body().toString());
            media = r.body().path("media");
            if (!media.isMissingNode() && until.test(media)) {
                return media;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("GET /api/kpis never showed " + what + ": " + media);
    }

    private static JsonNode live(JsonNode media, String medium, String queue) {
        for (JsonNode l : media.path("live")) {
            if (l.path("medium").asText().equals(medium) && l.path("queue").asText().equals(queue)) {
                return l;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static JsonNode figure(JsonNode media, String medium, String queue) {
        for (JsonNode f : media.path("figures")) {
            if (f.path("medium").asText().equals(medium) && f.path("queue").asText().equals(queue)) {
                return f;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static JsonNode command(DesktopClient d, Map<String, Object> fields) throws Exception {
        return d.command(fields, Duration.ofSeconds(10));
    }
}
