package io.ctiserver.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bundled web tree (agent desktop, wallboard, client library) and the desktop settings endpoint. */
class GatewayWebFilesTest {

    @Test
    void theBundledPagesAndTheClientLibraryAreServed() throws Exception {
        try (Fixture f = new Fixture()) {
            HttpResponse<String> index = f.get("/", null);
            assertEquals(200, index.statusCode());
            assertTrue(index.body().contains("/js/agent.js"), index.body());
            assertTrue(f.get("/wallboard", null).body().contains("/js/wallboard.js"));
            HttpResponse<String> js = f.get("/js/cti-client.js", null);
            assertEquals("text/javascript; charset=utf-8", js.headers().firstValue("content-type").orElse(""));
            assertTrue(js.body().contains("export class CtiClient"));
            assertEquals("text/css; charset=utf-8",
                    f.get("/css/desk.css", null).headers().firstValue("content-type").orElse(""));
            assertEquals(404, f.get("/js/../../gateway/openapi.json", null).statusCode());
            assertEquals(404, f.get("/wallboard.js", null).statusCode());
        }
    }

    @Test
    void desktopSettingsComeFromTheConfigAndAgentUserNamesOnlyToSupervisors() throws Exception {
        GatewayConfig.Desktop desktop = new GatewayConfig.Desktop(List.of("Lunch"), List.of("Sale", "No sale"),
                List.of("sale", "none"), List.of("sales"), 90);
        GatewayConfig base = GatewayConfig.defaults().withPort(0).withUsers(Fixture.users());
        GatewayConfig config = new GatewayConfig("127.0.0.1", 0, null, null, base.users(), 0,
                "https://crm/{customerId}", 0, 0, 0, 0, 0, 0, 0, 0, 0, "pbx1", null, desktop);
        try (Fixture f = new Fixture(config)) {
            JsonNode agent = Json.MAPPER.readTree(f.get("/api/desktop/settings", f.login("agent201")).body());
            assertEquals("[\"Lunch\"]", agent.get("pauseReasons").toString());
            assertEquals("[\"Sale\",\"No sale\"]", agent.get("wrapUpCodes").toString());
            assertEquals("[\"sale\",\"none\"]", agent.get("salesOutcomes").toString());
            assertEquals("[\"sales\"]", agent.get("salesQueues").toString());
            assertEquals(90, agent.get("serviceLevelTargetPercent").asInt());
            assertEquals("https://crm/{customerId}", agent.get("crmUrlTemplate").asText());
            assertFalse(agent.has("agentUsers"), agent.toString());

            JsonNode sup = Json.MAPPER.readTree(f.get("/api/desktop/settings", f.login("sup")).body());
            JsonNode users = sup.get("agentUsers");
            assertEquals(3, users.size(), users.toString()); // the three agents; not sup, admin or crm
            JsonNode a201 = users.get(0);
            assertEquals("agent201", a201.get("username").asText());
            assertEquals("Local/201@agents/n", a201.get("iface").asText());
            assertEquals("pbx1", a201.get("pbx").asText());
            assertEquals(401, f.get("/api/desktop/settings", null).statusCode());
        }
        // Left out, the settings take their defaults.
        assertEquals(80, GatewayConfig.defaults().desktop().serviceLevelTargetPercent());
        assertFalse(GatewayConfig.defaults().desktop().pauseReasons().isEmpty());
        assertTrue(GatewayConfig.defaults().desktop().salesOutcomes().isEmpty());
    }
}
