package io.ctiserver.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.ami.AmiLinkState;
import io.ctiserver.ami.AmiMessage;
import io.ctiserver.ami.capture.CaptureReader;
import io.ctiserver.testing.Captures;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Presence from real Asterisk 22 captures. The field names the tracker reads were checked against Asterisk's own
 * event documentation (the 22 docs XML: DeviceStateChange Device/State; ExtensionStatus Exten/Context/Hint/Status/
 * StatusText; ContactStatus URI/ContactStatus/AOR/EndpointName/RoundtripUsec; EndpointList ObjectType/ObjectName/
 * Transport/Aor/Auths/OutboundAuths/Contacts/DeviceState/ActiveChannels; ContactList ... Endpoint, Uri, Status,
 * RoundtripUsec); the tests below check that the captures carry exactly those names, so that a rename shows here.
 */
class PresenceTrackerTest {

    private static List<AmiMessage> capture(String name) {
        return CaptureReader.readAll(Captures.file(name), "pbx1");
    }

    private static List<PresenceChange> replay(PresenceTracker t, List<AmiMessage> messages) {
        List<PresenceChange> out = new ArrayList<>();
        t.addListener(out::add);
        messages.forEach(t::onMessage);
        return out;
    }

    @Test
    void capturedDeviceStateChangeCarriesTheDocumentedFields() {
        List<AmiMessage> dsc = capture("09_sip_call_sipp_uac_to_queue_answered_by_sipp_agent.txt").stream()
                .filter(m -> "DeviceStateChange".equals(m.eventName())).toList();
        assertFalse(dsc.isEmpty());
        for (AmiMessage m : dsc) {
            List<String> keys = m.headers().stream().map(h -> h.key()).toList();
            assertEquals(List.of("Event", "Privilege", "Device", "State"), keys, m.toString());
        }
    }

    @Test
    void aSipAgentRingsTalksAndHangsUpInCapture09() {
        PresenceTracker t = new PresenceTracker("pbx1");
        List<PresenceChange> changes = replay(t, capture("09_sip_call_sipp_uac_to_queue_answered_by_sipp_agent.txt"));
        List<PhoneState> agent1 = changes.stream().filter(c -> c.entry().id().equals("PJSIP/agent1"))
                .map(c -> c.entry().state()).toList();
        assertEquals(List.of(PhoneState.RINGING, PhoneState.IN_USE, PhoneState.NOT_IN_USE), agent1);
        // Queue: and Local/ device states are app_queue's and the PBX's own, not phones.
        assertTrue(t.entries().stream().noneMatch(e -> e.id().startsWith("Queue:") || e.id().startsWith("Local/")),
                t.entries().toString());
        assertEquals(PhoneState.NOT_IN_USE, t.entry("pbx1", "PJSIP/sipp-in").orElseThrow().state());
        // Known from DeviceStateChange alone: nobody reported its contacts yet.
        assertEquals(Registration.UNKNOWN, t.entry("pbx1", "PJSIP/agent1").orElseThrow().registration());
        assertNull(changes.get(0).previous());
    }

    @Test
    void theSnapshotReadsPjsipShowEndpointsOfCapture05() {
        List<AmiMessage> all = capture("05_status_actions_during_call.txt");
        List<AmiMessage> endpoints = all.stream().filter(m -> "cti-12".equals(m.actionId()) && m.isEvent()).toList();
        assertEquals(5, endpoints.size(), "four EndpointList and the EndpointListComplete");
        for (AmiMessage m : endpoints.subList(0, 4)) {
            assertEquals(List.of("Event", "ActionID", "ObjectType", "ObjectName", "Transport", "Aor", "Auths",
                    "OutboundAuths", "Contacts", "DeviceState", "ActiveChannels"),
                    m.headers().stream().map(h -> h.key()).toList());
        }
        PresenceTracker t = new PresenceTracker("pbx1");
        List<PresenceChange> changes = new ArrayList<>();
        t.addListener(changes::add);
        t.applySnapshot(new PresenceSnapshot(List.of(), List.of(), endpoints, null, 1_000L));

        assertEquals(List.of("PJSIP/agent1", "PJSIP/agent2", "PJSIP/agent3", "PJSIP/sipp-in"),
                t.entries().stream().map(PresenceEntry::id).toList());
        PresenceEntry agent1 = t.entry("pbx1", "PJSIP/agent1").orElseThrow();
        assertEquals(PhoneState.NOT_IN_USE, agent1.state());
        assertEquals(Registration.REGISTERED, agent1.registration());
        assertEquals(List.of(new Contact("sip:agent1@127.0.0.1:5071", ContactStatus.UNKNOWN, null)),
                agent1.contacts());
        assertTrue(changes.stream().allMatch(PresenceChange::resync));
        assertEquals(1_000L, agent1.changedAt());

        // The same snapshot again changes nothing.
        t.applySnapshot(new PresenceSnapshot(List.of(), List.of(), endpoints, null, 2_000L));
        assertEquals(4, changes.size());
    }

    @Test
    void theExtensionStateAnswerOfCapture05HasTheExtensionStatusFieldsAndAnUnknownStatus() {
        AmiMessage answer = capture("05_status_actions_during_call.txt").stream()
                .filter(m -> "cti-13".equals(m.actionId())).findFirst().orElseThrow();
        // The ExtensionState answer carries the fields of the ExtensionStatus event (docs), after Message.
        List<String> keys = answer.headers().stream().map(h -> h.key()).toList();
        assertEquals(List.of("Response", "ActionID", "Message", "Exten", "Context", "Hint", "Status", "StatusText"),
                keys);
        assertEquals(PhoneState.UNKNOWN, PhoneState.fromExtensionStatus(answer.get("Status")));
    }

    @Test
    void extensionStatusFollowsTheHintsCombinedState() {
        PresenceTracker t = new PresenceTracker("pbx1");
        List<PresenceChange> changes = replay(t, List.of(
                extensionStatus("201", "0", "Idle"), extensionStatus("201", "8", "Ringing"),
                extensionStatus("201", "1", "InUse"), extensionStatus("201", "17", "InUse&Hold"),
                extensionStatus("201", "4", "Unavailable"), extensionStatus("201", "4", "Unavailable")));
        assertEquals(List.of(PhoneState.NOT_IN_USE, PhoneState.RINGING, PhoneState.IN_USE, PhoneState.ON_HOLD,
                PhoneState.UNAVAILABLE), changes.stream().map(c -> c.entry().state()).toList());
        PresenceEntry e = t.entry("pbx1", "201@agents").orElseThrow();
        assertEquals(PresenceEntry.Kind.EXTENSION, e.kind());
        assertEquals("PJSIP/201", e.hint());
        assertEquals(5, e.version());
    }

    @Test
    void contactStatusRegistersAndUnregistersAPhone() {
        PresenceTracker t = new PresenceTracker("pbx1");
        replay(t, List.of(contactStatus("201", "sip:201@10.0.0.5:5060", "Created", ""),
                contactStatus("201", "sip:201@10.0.0.5:5060", "Reachable", "1520")));
        PresenceEntry e = t.entry("pbx1", "PJSIP/201").orElseThrow();
        assertEquals(Registration.REGISTERED, e.registration());
        assertEquals(List.of(new Contact("sip:201@10.0.0.5:5060", ContactStatus.REACHABLE, 1520L)), e.contacts());

        t.onMessage(contactStatus("201", "sip:201@10.0.0.5:5060", "Removed", ""));
        e = t.entry("pbx1", "PJSIP/201").orElseThrow();
        assertEquals(Registration.UNREGISTERED, e.registration());
        assertTrue(e.contacts().isEmpty());
    }

    @Test
    void aReconnectAsksForOneSnapshotAndAnotherAfterTheNextDrop() {
        PresenceTracker t = new PresenceTracker("pbx1");
        int[] asked = {0};
        t.onSnapshotNeeded(() -> asked[0]++);
        t.onLinkState("pbx1", AmiLinkState.CONNECTED, null);
        t.onLinkState("pbx1", AmiLinkState.FULLY_BOOTED, null);
        assertEquals(1, asked[0]);
        t.onLinkState("pbx1", AmiLinkState.DISCONNECTED, null);
        t.onLinkState("pbx1", AmiLinkState.CONNECTED, null);
        assertEquals(2, asked[0]);
    }

    @Test
    void replayIsDeterministicOverTheLongTrafficCapture() {
        List<AmiMessage> r5 = capture("R5_traffic_with_queue_log.txt");
        String first = describe(replay(new PresenceTracker("pbx1"), r5));
        String second = describe(replay(new PresenceTracker("pbx1"), r5));
        assertEquals(first, second);
        assertTrue(first.contains("PJSIP/agent1 ringing"), first);
    }

    private static String describe(List<PresenceChange> changes) {
        return changes.stream().map(c -> c.entry().version() + " " + c.entry().id() + " " + c.entry().state().wire()
                + " " + c.entry().changedAt()).collect(Collectors.joining("\n"));
    }

    @Test
    void parsersCoverEveryDocumentedSpelling() {
        assertEquals(PhoneState.RINGING_IN_USE, PhoneState.fromDeviceState("RINGINUSE"));
        assertEquals(PhoneState.ON_HOLD, PhoneState.fromDeviceState("ONHOLD"));
        assertEquals(PhoneState.UNAVAILABLE, PhoneState.fromDeviceState("UNAVAILABLE"));
        assertEquals(PhoneState.RINGING_IN_USE, PhoneState.fromDeviceStateText("Ring+Inuse"));
        assertEquals(PhoneState.ON_HOLD, PhoneState.fromDeviceStateText("On Hold"));
        assertEquals(PhoneState.RINGING_IN_USE, PhoneState.fromExtensionStatus("9"));
        assertEquals(PhoneState.BUSY, PhoneState.fromExtensionStatus("2"));
        assertEquals(PhoneState.UNKNOWN, PhoneState.fromExtensionStatus("-2"));
        assertEquals(ContactStatus.NON_QUALIFIED, ContactStatus.parse("NonQualified"));
        assertEquals(ContactStatus.NON_QUALIFIED, ContactStatus.parse("Unqualified"));
        assertEquals(ContactStatus.REMOVED, ContactStatus.parse("Removed"));
    }

    static AmiMessage extensionStatus(String exten, String status, String text) {
        return AmiMessage.of("Event", "ExtensionStatus", "Privilege", "call,all", "Exten", exten, "Context", "agents",
                "Hint", "PJSIP/" + exten, "Status", status, "StatusText", text).withSource("pbx1", 0);
    }

    static AmiMessage contactStatus(String endpoint, String uri, String status, String rtt) {
        return AmiMessage.of("Event", "ContactStatus", "Privilege", "system,all", "URI", uri, "ContactStatus", status,
                "AOR", endpoint, "EndpointName", endpoint, "RoundtripUsec", rtt).withSource("pbx1", 0);
    }
}
