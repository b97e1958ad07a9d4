package io.ctiserver.server.agi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ctiserver.routing.InMemoryCustomerDirectory;
import io.ctiserver.routing.RouteDecision;
import io.ctiserver.routing.RouteDecisionRegistry;
import io.ctiserver.routing.RoutingConfig;
import io.ctiserver.routing.QueueLoad;
import io.ctiserver.routing.CallHistory;
import io.ctiserver.server.Main;
import io.ctiserver.server.config.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The what-if tool ({@code route --dry-run}), the config binding and the wiring entry point. */
class RouteCommandTest {

    static Path config(Path dir) throws Exception {
        Path customers = dir.resolve("customers.csv");
        Files.writeString(customers, """
                id,name,numbers,tier,language,product,accountManager
                C-1001,John Doe,5551001,gold,en,internet,PJSIP/agent1
                C-1002,Anna Berg,5551002,standard,de,mobile,
                """);
        Path cfg = dir.resolve("config.json");
        Files.writeString(cfg, """
                {
                  "agi": { "port": 0, "bindAddress": "127.0.0.1", "commandTimeoutMillis": 2000 },
                  "routing": {
                    "defaultQueue": "support",
                    "deadlineMillis": 250,
                    "ivrVariables": ["IVR_CHOICE"],
                    "customersFile": "%s",
                    "hours": { "timeZone": "Europe/Paris", "weekly": { "mon-fri": "08:00-18:00" },
                               "holidays": ["2026-12-25"], "afterHoursQueue": "afterhours" },
                    "vip": { "tiers": ["gold"], "priority": 10, "agentTimeoutSeconds": 20 },
                    "skills": [
                      { "when": { "ivr.IVR_CHOICE": "2" }, "queue": "billing" },
                      { "when": { "customer.language": "de" }, "queue": "support-de" }
                    ],
                    "overflow": [ { "queue": "sales", "maxWaiting": 5, "target": "support" } ],
                    "lastAgent": { "enabled": true, "days": 7 }
                  }
                }
                """.formatted(customers.toString().replace("\\", "\\\\")));
        return cfg;
    }

    static JsonNode dryRun(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = new RouteCommand(new PrintStream(out, true, StandardCharsets.UTF_8))
                .run(List.of(args).subList(1, args.length));
        assertEquals(0, status);
        return new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void dryRunPrintsTheDecisionAsJson(@TempDir Path tmp) throws Exception {
        String cfg = config(tmp).toString();
        JsonNode vip = dryRun("route", "--dry-run", "5551001", "--time", "2026-11-23T10:15", "--config", cfg);
        assertEquals("support", vip.get("queue").asText());
        assertEquals("PJSIP/agent1", vip.get("agentInterface").asText());
        assertEquals("C-1001", vip.get("customer").get("id").asText());
        assertEquals("1", vip.get("variables").get("CTI_VIP").asText());
        assertEquals("10", vip.get("variables").get("CTI_PRIORITY").asText());
        assertTrue(vip.get("reason").asText().contains("VIP"), vip.toString());

        JsonNode ivr = dryRun("route", "--dry-run", "5551002", "--time=2026-11-23T10:15:00+01:00", "--var",
                "IVR_CHOICE=2", "--config", cfg);
        assertEquals("billing", ivr.get("queue").asText());
        assertEquals("2", ivr.get("ivrData").get("IVR_CHOICE").asText());

        JsonNode night = dryRun("route", "--dry-run", "5551002", "--time", "2026-11-23T22:00:00Z", "--config", cfg);
        assertEquals("afterhours", night.get("queue").asText());
        JsonNode christmas = dryRun("route", "--dry-run", "5551002", "--time", "2026-12-25T10:00", "--config", cfg);
        assertTrue(christmas.get("reason").asText().contains("holiday"), christmas.toString());
    }

    @Test
    void badCommandLinesAreUsageErrors() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream o = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertEquals(2, Main.execute(List.of("route", "5551001"), o, e));
        assertEquals(2, Main.execute(List.of("route", "--dry-run"), o, e));
        assertEquals(2, Main.execute(List.of("route", "--dry-run", "1", "--time", "yesterday"), o, e));
        assertEquals(2, Main.execute(List.of("route", "--dry-run", "1", "--var", "NOEQUALS"), o, e));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("not an ISO date-time"));
    }

    @Test
    void theWiringEntryPointStartsFromServerConfigAndExplains(@TempDir Path tmp) throws Exception {
        ServerConfig cfg = ServerConfig.load(config(tmp));
        RoutingConfig rc = FastAgi.routingConfig(cfg);
        assertEquals(250L, rc.deadlineMillis());
        assertEquals(List.of("IVR_CHOICE"), rc.ivrVariables());
        assertEquals("afterhours", rc.hours().afterHoursQueue());
        assertEquals(5, rc.overflow().get(0).maxWaiting());
        assertEquals(15, rc.lastAgent().agentTimeoutSeconds(), "defaults fill what the file leaves out");

        RouteDecisionRegistry decisions = new RouteDecisionRegistry(100);
        try (FastAgi agi = FastAgi.create(cfg, QueueLoad.unknown(), CallHistory.none(), decisions)) {
            int port = agi.start().getPort();
            try (FakeAsterisk a = new FakeAsterisk(port)) {
                a.channelVariables.put("CHANNEL(linkedid)", "1795458592.33");
                String env = new String(io.ctiserver.testing.Captures.bytes("agi/agi_env_pjsip_channel_sipp_call.txt"),
                        StandardCharsets.UTF_8).replace("5551009", "5551002");
                Map<String, String> v = a.run(env).variables();
                assertTrue(List.of("support-de", "afterhours").contains(v.get("CTI_QUEUE")), v.toString());
            }
            RouteDecision d = decisions.find("1795458592.33").orElseThrow();
            assertEquals("C-1002", d.customer().id());
            RouteDecision what = agi.dryRun().explain("5551002", Instant.parse("2026-11-23T09:00:00Z"), null,
                    Map.of());
            assertEquals("support-de", what.queue());
            assertTrue(decisions.find("dry-run").isEmpty(), "a dry run is not published");
        }
        assertEquals(2, new InMemoryCustomerDirectory().importFile(tmp.resolve("customers.csv")).imported());
    }

    @Test
    void anEmptyConfigGivesWorkingDefaults() throws Exception {
        ServerConfig cfg = ServerConfig.of(new ObjectMapper().readTree("{}"));
        assertEquals("support", FastAgi.routingConfig(cfg).defaultQueue());
        assertEquals(300L, FastAgi.routingConfig(cfg).deadlineMillis());
        AgiConfig agi = cfg.section("agi", AgiConfig.class, AgiConfig.defaults());
        assertEquals(4573, agi.port());
    }
}
