package io.ctiserver.server.wrapup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.server.config.ConfigException;
import io.ctiserver.server.config.EnvOverrides;
import io.ctiserver.server.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code wrapUp} section: off by default, seconds per queue over the default, checked at start-up. */
class WrapUpConfigTest {

    @TempDir
    Path dir;

    private ServerConfig load(String yaml, Map<String, String> env) throws Exception {
        Path f = dir.resolve("cti.yaml");
        Files.writeString(f, yaml);
        return ServerConfig.load(f, env);
    }

    private static final String BASE = """
            sim:
              enabled: true
            """;

    @Test
    void offByDefaultWithTheWrapUpReason() throws Exception {
        WrapUpConfig c = load(BASE, Map.of()).section(WrapUpConfig.SECTION, WrapUpConfig.class, WrapUpConfig.off());
        assertFalse(c.enabled(), "a production config without the section pauses nobody after a call");
        assertEquals(0, c.secondsFor("support"));
        assertEquals("wrap-up", c.reason());
    }

    @Test
    void aQueuesOwnSecondsWinAndZeroTurnsItOffForThatQueue() throws Exception {
        WrapUpConfig c = load(BASE + """
                wrapUp:
                  seconds: 20
                  queues: {sales: 45, vip: 0}
                  reason: ACW
                """, Map.of()).section(WrapUpConfig.SECTION, WrapUpConfig.class, null);
        assertTrue(c.enabled());
        assertEquals(20, c.secondsFor("support"));
        assertEquals(45, c.secondsFor("sales"));
        assertEquals(0, c.secondsFor("vip"));
        assertEquals("ACW", c.reason());
        assertTrue(new WrapUpConfig(0, Map.of("sales", 30), null).enabled(), "on for one queue only");
    }

    @Test
    void theEnvironmentSetsItLikeAnyKey() throws Exception {
        assertEquals("CTI_WRAP_UP_SECONDS", EnvOverrides.variableOf("wrapUp.seconds"));
        WrapUpConfig c = load(BASE, Map.of("CTI_WRAP_UP_SECONDS", "25", "CTI_WRAP_UP_QUEUES_SALES", "40"))
                .section(WrapUpConfig.SECTION, WrapUpConfig.class, null);
        assertEquals(25, c.secondsFor("support"));
        assertEquals(40, c.secondsFor("sales"));
    }

    @Test
    void badValuesAreReportedWithTheirKey() throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> load(BASE + """
                wrapUp:
                  seconds: -5
                  reason: "  "
                """, Map.of()));
        List<String> p = e.problems();
        assertTrue(p.stream().anyMatch(s -> s.startsWith("wrapUp.seconds: -5 is out of range")), p.toString());
        ConfigException blank = assertThrows(ConfigException.class, () -> load(BASE + """
                wrapUp:
                  reason: "  "
                """, Map.of()));
        assertTrue(blank.problems().stream().anyMatch(s -> s.startsWith("wrapUp") && s.contains("reason must not be blank")),
                blank.problems().toString());
        ConfigException negativeQueue = assertThrows(ConfigException.class, () -> load(BASE + """
                wrapUp:
                  queues: {sales: -1}
                """, Map.of()));
        assertTrue(negativeQueue.problems().stream().anyMatch(s -> s.startsWith("wrapUp") && s.contains("0 or more")),
                negativeQueue.problems().toString());
    }
}
