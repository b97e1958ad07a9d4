package io.ctiserver.kpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.events.Json;
import java.time.Duration;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class KpiConfigTest {

    @Test
    void bindsTheConfigSectionOntoTheDefaults() throws Exception {
        KpiConfig c = Json.mapper().readValue("""
                {"windowMinutes": 60, "timeZone": "Europe/Paris", "serviceLevelFormula": "offered",
                 "shortAbandonSeconds": 0, "repeatCallHours": 48, "someFutureKey": 1}""", KpiConfig.class);
        KpiSettings s = c.toSettings();
        assertEquals(Duration.ofMinutes(60), s.window());
        assertEquals(Duration.ofMinutes(1), s.bucket());
        assertEquals(60, s.bucketCount());
        assertEquals(ZoneId.of("Europe/Paris"), s.zone());
        assertEquals(ServiceLevelFormula.OFFERED, s.serviceLevelFormula());
        assertEquals(20, s.serviceLevelSeconds());
        assertEquals(0, s.shortAbandonSeconds());
        assertEquals(Duration.ofHours(48), s.repeatCallWindow());
        assertEquals(KpiSettings.defaults(), KpiConfig.defaults().toSettings());
    }

    @Test
    void badValuesNameTheirField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new KpiConfig(null, null, "Mars/Olympus", null, null, null, null).toSettings());
        assertTrue(e.getMessage().contains("kpi.timeZone"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new KpiConfig(null, null, null, null, "80/20", null, null).toSettings());
        assertTrue(e.getMessage().contains("kpi.serviceLevelFormula"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new KpiConfig(30, 7, null, null, null, null, null).toSettings());
        assertTrue(e.getMessage().contains("multiple of bucket"), e.getMessage());
    }
}
