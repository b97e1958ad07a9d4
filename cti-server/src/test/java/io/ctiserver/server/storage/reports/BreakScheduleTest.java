package io.ctiserver.server.storage.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.server.config.ServerConfig;
import io.ctiserver.server.storage.StorageConfig;
import io.ctiserver.server.storage.reports.BreakSchedule.Break;
import io.ctiserver.server.storage.reports.BreakSchedule.Window;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Planned breaks turned into instants: time zone, days, teams, merging, and the errors of a bad schedule. */
class BreakScheduleTest {

    private static long ms(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    void wallClockTimesFollowTheZoneAcrossDaylightSaving() {
        BreakSchedule s = new BreakSchedule("Europe/Paris", null,
                List.of(new Break("sat-sun", "12:00", "12:45", "lunch", null, null)));
        // Paris goes from UTC+1 to UTC+2 in the night of Saturday 28 to Sunday 29 March 2026
        List<Window> w = s.windows("PJSIP/1", Instant.parse("2026-03-27T00:00:00Z"),
                Instant.parse("2026-03-30T00:00:00Z"));
        assertEquals(List.of(new Window(ms("2026-03-28T11:00:00Z"), ms("2026-03-28T11:45:00Z"), "lunch"),
                new Window(ms("2026-03-29T10:00:00Z"), ms("2026-03-29T10:45:00Z"), "lunch")), w);
    }

    @Test
    void onlyTheAgentsAndTeamsNamedAndClippedToTheRange() {
        BreakSchedule s = new BreakSchedule("UTC", Map.of("sales", List.of("PJSIP/1")),
                List.of(new Break("mon-fri", "12:00", "13:00", "lunch", null, List.of("sales")),
                        new Break(null, "15:00", "15:15", null, List.of("PJSIP/2"), null)));
        Instant from = Instant.parse("2026-11-23T12:30:00Z"); // a Monday
        Instant to = Instant.parse("2026-11-23T15:10:00Z");
        assertEquals(List.of(new Window(ms("2026-11-23T12:30:00Z"), ms("2026-11-23T13:00:00Z"), "lunch")),
                s.windows("PJSIP/1", from, to));
        assertEquals(List.of(new Window(ms("2026-11-23T15:00:00Z"), ms("2026-11-23T15:10:00Z"), null)),
                s.windows("PJSIP/2", from, to));
        assertEquals(List.of(), s.windows("PJSIP/3", from, to));
    }

    @Test
    void overlappingBreaksMergeAndAcceptAnyReasonWhenTheirsDiffer() {
        BreakSchedule s = new BreakSchedule(null, null, List.of(
                new Break(null, "12:00", "12:45", "lunch", null, null),
                new Break(null, "12:30", "13:00", "training", null, null)));
        Instant day = Instant.parse("2026-11-23T00:00:00Z");
        assertEquals(List.of(new Window(ms("2026-11-23T12:00:00Z"), ms("2026-11-23T13:00:00Z"), null)),
                s.windows("PJSIP/1", day, day.plusSeconds(86_400)));
    }

    @Test
    void aBadScheduleFailsNamingItsKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BreakSchedule(null,
                null, List.of(new Break(null, "12:00", "11:00", null, null, null))).validated());
        assertTrue(e.getMessage().startsWith("storage.schedule.breaks[0].end:"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BreakSchedule(null, null,
                List.of(new Break(null, "12h", "13:00", null, null, null))).validated());
        assertTrue(e.getMessage().startsWith("storage.schedule.breaks[0].start:"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BreakSchedule(null, null,
                List.of(new Break("mon-fry", "12:00", "13:00", null, null, null))).validated());
        assertTrue(e.getMessage().startsWith("storage.schedule.breaks[0].days:"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BreakSchedule(null, null,
                List.of(new Break(null, "12:00", "13:00", null, null, List.of("sales")))).validated());
        assertTrue(e.getMessage().contains("no team 'sales'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BreakSchedule("Mars/Olympus", null, null)
                .validated());
        assertTrue(e.getMessage().startsWith("storage.schedule.timeZone:"), e.getMessage());
    }

    @Test
    void bindsFromTheConfigFile() throws Exception {
        StorageConfig c = ServerConfig.mapper().readValue("""
                {"schedule": {"timeZone": "Europe/Paris", "teams": {"sales": ["PJSIP/1001"]},
                  "breaks": [{"days": "mon-fri", "start": "12:00", "end": "12:45", "reason": "lunch",
                              "teams": ["sales"]}]}}""", StorageConfig.class).withDefaults();
        assertEquals(1, c.schedule().windows("PJSIP/1001", Instant.parse("2026-11-23T00:00:00Z"),
                Instant.parse("2026-11-24T00:00:00Z")).size());
        assertTrue(StorageConfig.defaults().withDefaults().schedule().isEmpty());
    }
}
