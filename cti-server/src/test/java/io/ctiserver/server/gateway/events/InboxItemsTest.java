package io.ctiserver.server.gateway.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.ami.AmiLinkState;
import io.ctiserver.events.AgentState;
import io.ctiserver.events.AgentStateChanged;
import io.ctiserver.events.AgentView;
import io.ctiserver.events.CallAnswered;
import io.ctiserver.events.CallDirection;
import io.ctiserver.events.CallEnded;
import io.ctiserver.events.CallOffered;
import io.ctiserver.events.CallRecord;
import io.ctiserver.events.CallResult;
import io.ctiserver.events.CallState;
import io.ctiserver.events.CallView;
import io.ctiserver.events.EndedBy;
import io.ctiserver.events.Party;
import io.ctiserver.events.PbxLinkChanged;
import io.ctiserver.events.QueueEntryView;
import io.ctiserver.events.QueueMemberView;
import io.ctiserver.events.QueueUpdated;
import io.ctiserver.events.QueueView;
import io.ctiserver.presence.Contact;
import io.ctiserver.presence.ContactStatus;
import io.ctiserver.presence.PhoneState;
import io.ctiserver.presence.PresenceChange;
import io.ctiserver.presence.PresenceEntry;
import io.ctiserver.presence.Registration;
import io.ctiserver.server.gateway.Json;
import io.ctiserver.server.gateway.presence.PhoneEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which inbox items are snapshots (and of what), and their estimated weight. */
class InboxItemsTest {

    static final Instant T0 = Instant.parse("2026-12-03T14:40:00Z");

    @Test
    void queueStatsAreSnapshotsPerPbxAndQueue() {
        Object a = InboxItems.snapshotKey(queue("pbx1", "support", 3, 0));
        assertNotNull(a);
        assertEquals(a, InboxItems.snapshotKey(queue("pbx1", "support", 220, 4)), "the same queue, other callers");
        assertNotEquals(a, InboxItems.snapshotKey(queue("pbx1", "sales", 3, 0)));
        assertNotEquals(a, InboxItems.snapshotKey(queue("pbx2", "support", 3, 0)), "another PBX's queue of that name");
    }

    @Test
    void kpiFiguresAreOneSnapshot() {
        Figures.Kpi k1 = new Figures.Kpi(1, 2, 3, 4, 5, 6, 7, 8, 9, null, null);
        Figures.Kpi k2 = new Figures.Kpi(9, 8, 7, 6, 5, 4, 3, 2, 1, null, null);
        assertNotNull(InboxItems.snapshotKey(k1));
        assertEquals(InboxItems.snapshotKey(k1), InboxItems.snapshotKey(k2));
        assertNotEquals(InboxItems.snapshotKey(k1), InboxItems.snapshotKey(queue("pbx1", "kpi", 0, 0)));
    }

    @Test
    void presenceIsASnapshotPerLine() {
        Object l201 = InboxItems.snapshotKey(presence("pbx1", "PJSIP/201", PhoneState.RINGING, 1));
        assertEquals(l201, InboxItems.snapshotKey(presence("pbx1", "PJSIP/201", PhoneState.IN_USE, 2)));
        assertNotEquals(l201, InboxItems.snapshotKey(presence("pbx1", "PJSIP/202", PhoneState.IN_USE, 2)));
        assertNotEquals(l201, InboxItems.snapshotKey(presence("pbx2", "PJSIP/201", PhoneState.IN_USE, 2)));
        assertNotEquals(l201, InboxItems.snapshotKey(presence("pbx1", "201@agents", PhoneState.IN_USE, 2)));
    }

    @Test
    void callEventsAgentStateLinkAndPhoneSettingsAreNeverCoalesced() {
        CallView c = call("c1", Map.of());
        assertNull(InboxItems.snapshotKey(new CallOffered("pbx1", T0, c, "PJSIP/201", "Agent 201")));
        assertNull(InboxItems.snapshotKey(new CallAnswered("pbx1", T0, c)));
        assertNull(InboxItems.snapshotKey(new CallEnded("pbx1", T0, record("c1", Map.of()))));
        assertNull(InboxItems.snapshotKey(agentState()));
        assertNull(InboxItems.snapshotKey(new PbxLinkChanged("pbx1", T0, AmiLinkState.DISCONNECTED, "reset")));
        assertNull(InboxItems.snapshotKey(new PhoneEvent("phone.dnd", T0, "pbx1",
                Map.of("extension", "201", "enabled", true), List.of("PJSIP/201"))));
    }

    @Test
    void aQueueWeighsWhatItsWaitingCallersHold() {
        long empty = InboxItems.weight(queue("pbx1", "support", 0, 10));
        long soak = InboxItems.weight(queue("pbx1", "support", 220, 10));
        // The 14:40 soak's heap histogram: 850,220 QueueEntryView in 3,892 snapshots, 32 bytes each without their
        // strings: the estimate counts those and the strings.
        assertTrue(soak - empty >= 220 * 32, "220 callers: " + (soak - empty));
        assertEquals(2 * (soak - empty), InboxItems.weight(queue("pbx1", "support", 440, 10)) - empty,
                "linear in the callers");
    }

    @Test
    void theEstimateIsAtLeastTheEventsJson() throws Exception {
        Map<String, String> big = new HashMap<>();
        for (int i = 0; i < 50; i++) {
            big.put("IVR_FIELD_" + i, "value ".repeat(20) + i);
        }
        List<Object> items = List.of(
                queue("pbx1", "support", 220, 20),
                new CallOffered("pbx1", T0, call("c1", Map.of("CTI_VIP", "1")), "PJSIP/201", "Agent 201"),
                new CallAnswered("pbx1", T0, call("c2", big)),
                new CallEnded("pbx1", T0, record("c3", big)),
                agentState(),
                presence("pbx1", "PJSIP/201", PhoneState.RINGING, 7));
        for (Object item : items) {
            int json = Json.MAPPER.writeValueAsBytes(item).length;
            long w = InboxItems.weight(item);
            assertTrue(w >= json, item.getClass().getSimpleName() + ": estimated " + w + " < its JSON " + json);
        }
        assertTrue(InboxItems.weight(new CallAnswered("pbx1", T0, call("c2", big)))
                > 50 * 140, "the call's data counts");
    }

    static QueueUpdated queue(String pbx, String name, int callers, int members) {
        List<QueueEntryView> entries = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            entries.add(new QueueEntryView("1764772800." + (1000 + i), i + 1, "555" + (1000 + i), T0.plusSeconds(i)));
        }
        List<QueueMemberView> ms = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            ms.add(new QueueMemberView("PJSIP/" + (200 + i), "Agent " + i, 0, false, null, 1, false, i));
        }
        return new QueueUpdated(pbx, T0, new QueueView(pbx, name, "rrmemory", entries, ms));
    }

    static PresenceChange presence(String pbx, String id, PhoneState state, long version) {
        PresenceEntry e = new PresenceEntry(pbx, id, PresenceEntry.Kind.DEVICE, state, Registration.REGISTERED,
                List.of(new Contact("sip:201@10.0.0.5:5060", ContactStatus.REACHABLE, 1200L)), null, version,
                T0.toEpochMilli());
        return new PresenceChange(e, null, false);
    }

    static CallView call(String id, Map<String, String> data) {
        return new CallView(id, "pbx1", id, CallDirection.INBOUND, CallState.CONNECTED, "5551001", "Alice Caller",
                "5000", "support", "PJSIP/201", "Agent 201", T0, T0.plusSeconds(3), T0.plusSeconds(20), false,
                List.of(new Party(Party.Role.CALLER, "PJSIP/trunk-00000001", "1764772800.1", null, "Alice", "5551001"),
                        new Party(Party.Role.AGENT, "PJSIP/201-00000002", "1764772800.2", "PJSIP/201", "Agent",
                                "201")),
                data);
    }

    static CallRecord record(String id, Map<String, String> data) {
        return new CallRecord(id, "pbx1", id, CallDirection.INBOUND, "5551001", "Alice Caller", "5000", "support",
                "Agent 201", "PJSIP/201", CallResult.ANSWERED, 3, 60, EndedBy.CALLER, List.of(), T0,
                T0.plusSeconds(3), T0.plusSeconds(63), data, 0, List.of(), List.of(), List.of(), List.of(),
                List.of(new CallRecord.Segment("Agent 201", "PJSIP/201", "support", T0.plusSeconds(3),
                        T0.plusSeconds(63), 60)), List.of());
    }

    static AgentStateChanged agentState() {
        AgentView v = new AgentView("pbx1", "PJSIP/201", "Agent 201", AgentState.PAUSED, "Lunch",
                List.of("support", "sales"), null, T0);
        return new AgentStateChanged("pbx1", T0, v, AgentState.AVAILABLE);
    }
}
