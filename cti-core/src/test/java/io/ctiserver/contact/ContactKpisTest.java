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

    @Test
    void noContactsNoRatio() {
        ContactKpis.Snapshot s = new ContactKpis(ContactKpis.Settings.defaults()).snapshot(T0);
        assertNull(s.of(Medium.CHAT, null));
        assertNull(s.occupancy().anyMedium());
    }
}
