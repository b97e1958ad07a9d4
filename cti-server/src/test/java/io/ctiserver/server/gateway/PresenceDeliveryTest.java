package io.ctiserver.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.ami.AmiMessage;
import io.ctiserver.presence.PresenceTracker;
import io.ctiserver.server.gateway.commands.phone.PhoneDevice;
import io.ctiserver.server.gateway.commands.phone.PhonesConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The presence subscription over a real WebSocket: snapshot then changes, who sees which line, and a desktop whose
 * missed changes no longer fit its resume buffer getting the lines again in the resync snapshot.
 */
class PresenceDeliveryTest {

    private final PresenceTracker presence = new PresenceTracker("pbx1");

    private Gateway start(int buffer) throws Exception {
        PhonesConfig phones = new PhonesConfig(null, null, List.of(
                new PhoneDevice("PJSIP/201", null, List.of("agent201"), "yealink", null, null, null, null, null)),
                Map.of());
        Gateway gw = Gateway.builder().config(GatewayResumeTest.config(buffer)).stateView(new FakeStateView())
                .presence(presence).phones(phones).build().start();
        presence.addListener(gw);
        return gw;
    }

    private void device(String device, String state) {
        presence.onMessage(AmiMessage.of("Event", "DeviceStateChange", "Privilege", "call,all", "Device", device,
                "State", state).withSource("pbx1", 1_700_000_000_000L));
    }

    private static WsClient connect(Gateway gw, String user, String extra) throws Exception {
        WsClient c = WsClient.connect(gw.port(), "token=" + gw.issueToken(user).token() + extra);
        return c;
    }

    private static List<String> ids(JsonNode lines) {
        List<String> out = new ArrayList<>();
        lines.forEach(l -> out.add(l.get("id").asText()));
        return out;
    }

    @Test
    void snapshotThenChangesAndAgentsSeeOnlyTheirLines() throws Exception {
        device("PJSIP/201", "NOT_INUSE");
        device("PJSIP/202", "INUSE");
        try (Gateway gw = start(64); WsClient sup = connect(gw, "sup", ""); WsClient agent = connect(gw, "agent201", "")) {
            for (WsClient c : List.of(sup, agent)) {
                c.next("welcome");
                c.next("snapshot");
                c.send("{\"type\":\"subscribe\",\"id\":\"p\",\"presence\":true}");
                assertTrue(c.next("result").get("ok").asBoolean());
            }
            JsonNode all = sup.next("presence.snapshot");
            assertEquals(List.of("PJSIP/201", "PJSIP/202"), ids(all.get("payload").get("entries")));
            assertEquals(1, all.get("seq").asLong(), "a seq'd event like any other");
            JsonNode own = agent.next("presence.snapshot");
            assertEquals(List.of("PJSIP/201"), ids(own.get("payload").get("entries")));

            device("PJSIP/202", "RINGINUSE");
            device("PJSIP/201", "RINGING");
            JsonNode c1 = sup.next("presence");
            assertEquals("PJSIP/202", c1.get("payload").get("id").asText());
            assertEquals("ringing_in_use", c1.get("payload").get("state").asText());
            assertEquals(2, c1.get("seq").asLong());
            JsonNode mine = agent.next("presence");
            assertEquals("PJSIP/201", mine.get("payload").get("id").asText(), "202's change is not the agent's");
            assertEquals("ringing", mine.get("payload").get("state").asText());

            JsonNode rest = Json.MAPPER.readTree(java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + gw.port()
                            + "/api/presence")).header("Authorization", "Bearer " + gw.issueToken("agent201").token())
                            .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body());
            assertEquals(List.of("PJSIP/201"), ids(rest.get("entries")));
            assertEquals(Map.of("PJSIP/201", "Agent 201"), Json.MAPPER.convertValue(rest.get("names"), Map.class),
                    "names of the lines it sees only");

            sup.send("{\"type\":\"subscribe\",\"id\":\"x\",\"presence\":\"yes\"}");
            JsonNode bad = sup.next("error");
            assertEquals("invalid_field", bad.get("error").get("code").asText());
        }
    }

    @Test
    void aDesktopAwayLongerThanItsBufferGetsTheLinesInTheResyncSnapshot() throws Exception {
        device("PJSIP/201", "NOT_INUSE");
        try (Gateway gw = start(16)) {
            String token = gw.issueToken("sup").token();
            WsClient first = WsClient.connect(gw.port(), "token=" + token);
            String session = first.next("welcome").get("session").asText();
            JsonNode plain = first.next("snapshot");
            assertFalse(plain.has("presence"), "not subscribed: no presence in the snapshot");
            first.send("{\"type\":\"subscribe\",\"id\":\"p\",\"presence\":true}");
            long seq = first.next("presence.snapshot").get("seq").asLong();
            first.close();

            for (int i = 0; i < 40; i++) {
                device("PJSIP/2" + (10 + i), i % 2 == 0 ? "INUSE" : "NOT_INUSE");
            }
            device("PJSIP/201", "ONHOLD");
            Thread.sleep(300); // the fan-out buffers them for the absent desktop

            try (WsClient second = WsClient.connect(gw.port(), "token=" + token + "&session=" + session
                    + "&lastSeq=" + seq)) {
                second.next("welcome");
                JsonNode snap = second.next(m -> m.has("seq"), "the resync snapshot");
                assertEquals("snapshot", snap.get("type").asText());
                assertTrue(snap.get("resync").asBoolean());
                assertEquals(41, snap.get("presence").size(), snap.get("presence").toString());
                JsonNode held = null;
                for (JsonNode l : snap.get("presence")) {
                    if (l.get("id").asText().equals("PJSIP/201")) {
                        held = l;
                    }
                }
                assertEquals("on_hold", held.get("state").asText());
                device("PJSIP/201", "INUSE");
                // the stream goes on from the snapshot's seq with no gap (a periodic event may come first)
                JsonNode next = second.next(m -> m.has("seq"), "the frame after the snapshot");
                assertEquals(snap.get("seq").asLong() + 1, next.get("seq").asLong());
                while (!next.get("type").asText().equals("presence")) {
                    next = second.next(m -> m.has("seq"), "the change of PJSIP/201");
                }
                assertEquals("in_use", next.path("payload").path("state").asText(), next.toString());
            }
        }
    }
}
