package io.ctiserver.contact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ctiserver.events.CallResult;
import io.ctiserver.events.EndedBy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContactKpisTest {

    private static final Instant T0 = Instant.parse("2026-12-03T09:00:00Z");

    private static ContactRecord rec(Medium m, String queue, CallResult result, long wait, long handle) {
        return new ContactRecord("x", m, queue, "ann", null, result, wait, handle, EndedBy.AGENT, T0, T0, T0, null,
                Map.of());
    }

    @Test
    void serviceLevelAsaAhtAbandonPerMediumAndQueue() {
        ContactKpis k = new ContactKpis(new ContactKpis.Settings(20, 60, 4.0, Map.of("vip", 30),
                Map.of("billing", 1.0)));
        k.record(rec(Medium.CHAT, "support", CallResult.ANSWERED, 60, 300));   // within 60 (inclusive)
        k.record(rec(Medium.CHAT, "support", CallResult.ANSWERED, 61, 100));   // not within
        k.record(rec(Medium.CHAT, "support", CallResult.ABANDONED, 90, 0));    // abandoned after T
        k.record(rec(Medium.CHAT, "vip", CallResult.ANSWERED, 40, 200));       // vip's T is 30: not within
        k.record(rec(Medium.EMAIL, "billing", CallResult.ANSWERED, 3000, 600)); // 50 min within 1 h
        k.record(rec(Medium.EMAIL, "support", CallResult.ANSWERED, 5 * 3600, 600)); // 5 h over the default 4 h
        k.record(ContactRecord.ofCall(new io.ctiserver.events.CallRecord("call1", "demo", "l1",
                io.ctiserver.events.CallDirection.INBOUND, "5551001", "Ann", "100", "support", "Agent 201",
                "PJSIP/201", CallResult.ANSWERED, 5, 80, EndedBy.CALLER, List.of(), T0, T0, T0, Map.of())));
        ContactKpis.Snapshot s = k.snapshot(T0);

        ContactKpis.Figures chat = s.of(Medium.CHAT, "support");
        assertEquals(3, chat.offered());
        assertEquals(2, chat.answered());
        assertEquals(1, chat.abandoned());
        assertEquals(1, chat.answeredWithinThreshold());
        assertEquals(100.0 / 3, chat.serviceLevelPercent(), 1e-9);
        assertEquals(60.5, chat.asaSeconds(), 1e-9);
        assertEquals(200.0, chat.ahtSeconds(), 1e-9);
        assertEquals(100.0 / 3, chat.abandonRatePercent(), 1e-9);
        assertEquals(0.0, s.of(Medium.CHAT, "vip").serviceLevelPercent());
        assertEquals(25.0, s.of(Medium.CHAT, null).serviceLevelPercent(), 1e-9);
        assertEquals(3600, s.of(Medium.EMAIL, "billing").thresholdSeconds());
        assertEquals(100.0, s.of(Medium.EMAIL, "billing").serviceLevelPercent());
        assertEquals(0.0, s.of(Medium.EMAIL, "support").serviceLevelPercent());
        assertEquals(80.0, s.of(Medium.VOICE, "support").ahtSeconds());
        assertEquals(100.0, s.of(Medium.VOICE, "support").serviceLevelPercent());
    }

    @Test
    void occupancyCountsAnAgentBusyOnSeveralMediaOnce() {
        ContactKpis k = new ContactKpis(ContactKpis.Settings.defaults());
        AgentLoad idle = new AgentLoad("ann", null, List.of("support"), true, Capacity.DEFAULT, Capacity.NONE,
                false, T0);
        k.load(idle, T0);
        // 0-60 s: idle; 60-120 s: call and two chats at once; 120-180 s: one chat; 180-240 s: idle.
        k.load(new AgentLoad("ann", null, List.of(), true, Capacity.DEFAULT, new Capacity(1, 2, 0), false, T0),
                T0.plusSeconds(60));
        k.load(new AgentLoad("ann", null, List.of(), true, Capacity.DEFAULT, new Capacity(0, 1, 0), false, T0),
                T0.plusSeconds(120));
        k.load(idle, T0.plusSeconds(180));
        ContactKpis.Snapshot s = k.snapshot(T0.plusSeconds(240));
        assertEquals(240, s.occupancy().staffedSeconds());
        assertEquals(50.0, s.occupancy().anyMedium(), 1e-9, "busy 120 of 240 s, not 180");
        assertEquals(25.0, s.occupancy().perMedium().get(Medium.VOICE), 1e-9);
        assertEquals(50.0, s.occupancy().perMedium().get(Medium.CHAT), 1e-9);
        assertEquals(0.0, s.occupancy().perMedium().get(Medium.EMAIL), 1e-9);
    }

    private static ContactRecord ended(Medium m, CallResult result, long wait, Instant end) {
        return new ContactRecord("x", m, "support", "ann", null, result, wait, 100, EndedBy.AGENT,
                end.minusSeconds(wait + 100), end.minusSeconds(100), end, null, Map.of());
    }

    /** The voice engine's window: 30 minutes of 1-minute buckets, the current bucket and the 29 whole ones before. */
    @Test
    void contactsCountInTheSlidingWindowOfTheirEnd() {
        ContactKpis k = new ContactKpis(ContactKpis.Settings.defaults(), java.time.Duration.ofMinutes(30),
                java.time.Duration.ofMinutes(1));
        k.record(ended(Medium.CHAT, CallResult.ANSWERED, 10, T0));                    // bucket 09:00
        k.record(ended(Medium.CHAT, CallResult.ABANDONED, 90, T0.plusSeconds(600)));  // bucket 09:10
        k.record(ended(Medium.EMAIL, CallResult.ANSWERED, 3600, T0.plusSeconds(1200)));
        ContactKpis.Snapshot at1229 = k.snapshot(T0.plusSeconds(29 * 60 + 59));
        assertEquals(1800, at1229.windowSeconds());
        assertEquals(2, at1229.of(Medium.CHAT, "support").offered(), "09:00 is still the oldest bucket");
        assertEquals(50.0, at1229.of(Medium.CHAT, "support").serviceLevelPercent(), 1e-9);

        ContactKpis.Snapshot at1230 = k.snapshot(T0.plusSeconds(30 * 60));
        assertEquals(1, at1230.of(Medium.CHAT, "support").offered(), "the 09:00 chat has left the window");
        assertEquals(0.0, at1230.of(Medium.CHAT, "support").serviceLevelPercent(), 1e-9);
        assertEquals(100.0, at1230.of(Medium.CHAT, "support").abandonRatePercent(), 1e-9);
        assertEquals(1, at1230.of(Medium.EMAIL, null).answered());

        k.record(ended(Medium.CHAT, CallResult.ANSWERED, 5, T0.minusSeconds(60))); // ended before the window
        assertEquals(1, k.snapshot(T0.plusSeconds(30 * 60)).of(Medium.CHAT, null).offered());
        assertNull(k.snapshot(T0.plusSeconds(3 * 3600)).of(Medium.CHAT, null), "all gone three hours later");
    }

    @Test
    void occupancyCountsOnlyTheAgentTimeInsideTheWindow() {
        ContactKpis k = new ContactKpis(ContactKpis.Settings.defaults(), java.time.Duration.ofMinutes(30),
                java.time.Duration.ofMinutes(1));
        // ready and idle for 50 minutes, then on a chat for 10 minutes
        k.load(new AgentLoad("ann", null, List.of("support"), true, Capacity.DEFAULT, Capacity.NONE, false, T0), T0);
        k.load(new AgentLoad("ann", null, List.of(), true, Capacity.DEFAULT, new Capacity(0, 1, 0), false, T0),
                T0.plusSeconds(50 * 60));
        // at 10:00:00 the window is the bucket 10:00 (empty so far) and the 29 before it: 09:31 to 10:00
        ContactKpis.Snapshot s = k.snapshot(T0.plusSeconds(60 * 60));
        assertEquals(29 * 60, s.occupancy().staffedSeconds(), "the window's time only, not the hour");
        assertEquals(100.0 * 10 / 29, s.occupancy().perMedium().get(Medium.CHAT), 1e-9, "10 of 29 minutes");
        assertEquals(100.0 * 10 / 29, s.occupancy().anyMedium(), 1e-9);
        assertEquals(0.0, s.occupancy().perMedium().get(Medium.VOICE), 1e-9);
    }

    @Test
    void noContactsNoRatio() {
        ContactKpis.Snapshot s = new ContactKpis(ContactKpis.Settings.defaults()).snapshot(T0);
        assertNull(s.of(Medium.CHAT, null));
        assertNull(s.occupancy().anyMedium());
    }

    /** Today: since midnight in the KPI zone, beside the window; a clock across midnight starts it afresh. */
    @Test
    void todayCountsSinceMidnightInTheZoneAndResetsAcrossIt() {
        java.time.ZoneId paris = java.time.ZoneId.of("Europe/Paris");
        ContactKpis k = new ContactKpis(ContactKpis.Settings.defaults(), java.time.Duration.ofMinutes(30),
                java.time.Duration.ofMinutes(1), paris);
        Instant beforeMidnight = Instant.parse("2026-12-03T22:50:00Z"); // 23:50 in Paris
        k.record(ended(Medium.CHAT, CallResult.ANSWERED, 30, beforeMidnight));
        k.record(ended(Medium.CHAT, CallResult.ANSWERED, 90, beforeMidnight.plusSeconds(60)));
        k.record(ended(Medium.EMAIL, CallResult.ABANDONED, 600, beforeMidnight.plusSeconds(120)));
        ContactKpis.Snapshot s = k.snapshot(beforeMidnight.plusSeconds(300));
        assertEquals(java.time.LocalDate.of(2026, 12, 3), s.today().day());
        assertEquals("Europe/Paris", s.today().zone());
        ContactKpis.Figures chat = s.today().of(Medium.CHAT, "support");
        assertEquals(2, chat.offered());
        assertEquals(50.0, chat.serviceLevelPercent(), 1e-9, "30 s within 60 s, 90 s not");
        assertEquals(60.0, chat.asaSeconds(), 1e-9);
        assertEquals(1, s.today().of(Medium.EMAIL, null).abandoned());
        assertEquals(s.figures(), s.today().figures(), "all of today is still in the window");

        // 00:05 in Paris (23:05 UTC, still 3 December there): a new day, the window keeps the last 30 minutes
        Instant afterMidnight = Instant.parse("2026-12-03T23:05:00Z");
        s = k.snapshot(afterMidnight);
        assertEquals(java.time.LocalDate.of(2026, 12, 4), s.today().day());
        assertEquals(List.of(), s.today().figures(), "nothing yet today");
        assertEquals(2, s.of(Medium.CHAT, "support").offered(), "the window crosses midnight");

        k.record(ended(Medium.CHAT, CallResult.ANSWERED, 10, afterMidnight.plusSeconds(30)));
        // late news of a contact that ended before midnight: yesterday's, in the window only
        k.record(ended(Medium.CHAT, CallResult.ABANDONED, 200, beforeMidnight.plusSeconds(540))); // 23:59
        s = k.snapshot(afterMidnight.plusSeconds(60));
        assertEquals(1, s.today().of(Medium.CHAT, "support").offered());
        assertEquals(100.0, s.today().of(Medium.CHAT, null).serviceLevelPercent(), 1e-9);
        assertNull(s.today().of(Medium.EMAIL, null), "no email today");
        assertEquals(4, s.of(Medium.CHAT, "support").offered());
    }

    /** Occupancy today: the agents' time since midnight, split there; busy on several media at once counted once. */
    @Test
    void occupancyTodayIsTheTimeSinceMidnight() {
        ContactKpis k = new ContactKpis(ContactKpis.Settings.defaults(), java.time.Duration.ofMinutes(30),
                java.time.Duration.ofMinutes(1), java.time.ZoneId.of("Europe/Paris"));
        Instant t = Instant.parse("2026-12-03T22:58:00Z"); // 23:58 in Paris
        AgentLoad idle = new AgentLoad("ann", null, List.of("support"), true, Capacity.DEFAULT, Capacity.NONE,
                false, t);
        k.load(idle, t);
        // 23:59-00:01: a call and two chats at once, across midnight; then idle to 00:03
        k.load(new AgentLoad("ann", null, List.of(), true, Capacity.DEFAULT, new Capacity(1, 2, 0), false, t),
                t.plusSeconds(60));
        k.load(idle, t.plusSeconds(180));
        ContactKpis.Snapshot s = k.snapshot(t.plusSeconds(300));
        assertEquals(java.time.LocalDate.of(2026, 12, 4), s.today().day());
        assertEquals(180, s.today().occupancy().staffedSeconds(), "00:00 to 00:03");
        assertEquals(100.0 / 3, s.today().occupancy().anyMedium(), 1e-9, "busy 60 of 180 s, once");
        assertEquals(100.0 / 3, s.today().occupancy().perMedium().get(Medium.CHAT), 1e-9);
        assertEquals(300, s.occupancy().staffedSeconds(), "the window goes back before midnight");
        assertEquals(40.0, s.occupancy().anyMedium(), 1e-9);
    }
}
