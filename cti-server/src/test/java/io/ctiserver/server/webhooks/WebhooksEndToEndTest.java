package io.ctiserver.server.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctiserver.server.run.CtiServer;
import io.ctiserver.server.run.DemoServers;
import io.ctiserver.server.run.DesktopClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The whole server: a routed call's events reach the webhook as the very JSON the WebSocket carries, signed. */
class WebhooksEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aCallsEventsReachTheReceiverAsTheWebSocketCarriesThem() throws Exception {
        try (WebhookReceiver rx = new WebhookReceiver(r -> 200)) {
            ObjectNode root = DemoServers.config();
            ObjectNode sub = root.putObject("webhooks").putArray("subscriptions").addObject();
            sub.put("name", "crm").put("url", rx.url()).put("secret", "e2e-secret");
            sub.putArray("events").add("call.offered").add("call.answered").add("call.ended");
            try (CtiServer server = DemoServers.start(root);
                 DesktopClient supervisor = DesktopClient.login(server.gateway().port(), "supervisor", "demo")) {
                server.simulator().placeInboundCall("5551001", "5000", "2", 1.0, 0);
                JsonNode frame = supervisor.await(f -> f.path("type").asText().equals("call.ended"),
                        Duration.ofSeconds(30), "the call's end on the WebSocket");
                String callId = frame.path("payload").path("callId").asText();
                WebhookDispatcherTest.awaitTrue(() -> rx.accepted.stream().anyMatch(r -> r.text().contains(
                        "\"call.ended\"")), "call.ended at the receiver");

                List<JsonNode> hooks = rx.accepted.stream().map(r -> read(r.body())).toList();
                assertEquals(List.of("call.offered", "call.answered", "call.ended"), hooks.stream()
                        .map(h -> h.path("type").asText()).distinct().toList(), "the chosen types, in order");
                ObjectNode ws = frame.deepCopy();
                ws.remove("seq");
                assertEquals(ws, hooks.stream().filter(h -> h.path("type").asText().equals("call.ended")).findFirst()
                        .orElseThrow(), "the same JSON as the WebSocket event, without the session's seq");
                assertEquals(callId, hooks.get(hooks.size() - 1).path("payload").path("callId").asText());
                long now = System.currentTimeMillis() / 1000;
                for (WebhookReceiver.Request r : rx.accepted) {
                    assertTrue(WebhookSignature.verify("e2e-secret".getBytes(StandardCharsets.UTF_8), r.signature(),
                            r.body(), now));
                }
                // the receiver records a request before its answer reaches the dispatcher, which then counts it
                WebhookDispatcherTest.awaitTrue(() -> server.webhooks().stats("crm").delivered() == rx.accepted.size(),
                        "every accepted request counted as delivered");
                assertTrue(io.ctiserver.server.metrics.MetricsEndpointTestAccess.scrape(server.gateway().port())
                        .contains("cti_webhook_delivered_total{subscription=\"crm\"}"));
            }
        }
    }

    private static JsonNode read(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
