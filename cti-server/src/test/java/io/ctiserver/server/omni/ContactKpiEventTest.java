package io.ctiserver.server.omni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.server.contract.Contracts;
import io.ctiserver.server.gateway.Json;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The chat KPIs ride in the supervisors' periodic {@code kpi} event, over the sliding window, in the shape the
 * AsyncAPI document describes: a chat answered and closed on a real desktop shows up under {@code media}.
 */
class ContactKpiEventTest {

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
    void aClosedChatCountsInTheMediaOfTheNextKpiEvent() throws Exception {
        try (Ws sup = f.desktop("sup"); Ws ann = f.readyAgent("ann"); Ws customer = f.startChat("Alice")) {
            customer.message("Waiting for an agent");
            String id = ann.next("contact.offered").at("/payload/contact/contact/id").asText();
            assertTrue(ann.command("a1", "{\"command\":\"contact.accept\",\"contactId\":\"" + id + "\"}")
                    .path("ok").asBoolean());
            assertTrue(ann.command("r1", "{\"command\":\"contact.reply\",\"contactId\":\"" + id
                    + "\",\"text\":\"Hello\"}").path("ok").asBoolean());
            assertTrue(ann.command("c1", "{\"command\":\"contact.close\",\"contactId\":\"" + id
                    + "\",\"disposition\":\"solved\"}").path("ok").asBoolean());

            // the gateway publishes every kpiIntervalMillis (2 s here): wait for one that has counted the chat
            JsonNode kpi = null;
            for (int i = 0; i < 5 && kpi == null; i++) {
                JsonNode e = sup.next("kpi");
                if (e.at("/payload/media/figures").size() > 0) {
                    kpi = e;
                }
            }
            assertTrue(kpi != null, "a kpi event with chat figures");
            List<String> problems = Contracts.get().wsMessageProblems(Json.MAPPER.writeValueAsString(kpi));
            assertEquals(List.of(), problems, "the kpi event as the AsyncAPI document describes it");
            JsonNode media = kpi.at("/payload/media");
            assertEquals(1800, media.path("windowSeconds").asInt(), "the voice engine's default window");
            JsonNode chat = null;
            for (JsonNode fig : media.path("figures")) {
                if (fig.path("medium").asText().equals("chat") && !fig.hasNonNull("queue")) {
                    chat = fig;
                }
            }
            assertTrue(chat != null, media.toString());
            assertEquals(1, chat.path("offered").asInt());
            assertEquals(1, chat.path("answered").asInt());
            assertEquals(60, chat.path("thresholdSeconds").asInt(), "chat's default T");
            assertEquals(100.0, chat.path("serviceLevelPercent").asDouble(), 1e-9, "first reply within 60 s");
            assertTrue(media.at("/occupancy/perMedium").has("chat"), media.toString());
        }
    }
}
