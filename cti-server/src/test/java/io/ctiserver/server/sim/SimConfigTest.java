package io.ctiserver.server.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ctiserver.server.config.ServerConfig;
import org.junit.jupiter.api.Test;

/** The {@code sim} section binds to SimConfig; missing fields take the documented demo defaults. */
class SimConfigTest {

    @Test
    void partialSectionTakesDemoDefaults() throws Exception {
        ServerConfig sc = ServerConfig.of(ServerConfig.mapper().readTree("""
                {"sim": {"amiPort": 0, "arrivalsPerSecond": 3.5, "ivrQueues": {"2": "sales"},
                         "queues": [{"name": "vip", "strategy": "leastrecent",
                                     "members": [{"iface": "PJSIP/agent9", "name": "Nine", "penalty": 2}]}]}}
                """));
        SimConfig c = sc.section("sim", SimConfig.class, SimConfig.demo()).withDefaults();
        assertEquals(0, c.amiPort());
        assertEquals(3.5, c.arrivalsPerSecond());
        assertEquals("sales", c.ivrQueues().get("2"));
        assertEquals("vip", c.queues().get(0).name());
        assertEquals(2, c.queues().get(0).members().get(0).penalty());
        assertEquals(4573, c.agiPort());
        assertEquals("support", c.defaultQueue());
        assertEquals("cti", c.users().get(0).name());
    }

    @Test
    void bundledDemoConfigStartsTheTestbedQueues() throws Exception {
        SimConfig c = ServerConfig.demo().section("sim", SimConfig.class, SimConfig.demo()).withDefaults();
        assertEquals(2, c.queues().size());
        assertEquals("rrmemory", c.queues().get(0).strategy());
    }

    @Test
    void unknownStrategyIsRefusedClearly() {
        SimConfig bad = SimTestConfigs.quiet(1).withQueues(java.util.List.of(
                new SimConfig.QueueConfig("q", "random", 10, 1, 0, 0, java.util.List.of())));
        Exception e = assertThrows(Exception.class, () -> PbxSimulator.start(bad).stop());
        assertEquals(true, String.valueOf(e.getMessage()).contains("unknown strategy random"), e.getMessage());
    }
}
