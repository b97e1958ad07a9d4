package io.ctiserver.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.events.AgentState;
import io.ctiserver.events.CallRecord;
import io.ctiserver.events.CallResult;
import io.ctiserver.events.CallState;
import io.ctiserver.events.CallView;
import io.ctiserver.events.EndedBy;
import io.ctiserver.events.Party;
import io.ctiserver.events.Transfer;
import io.ctiserver.tracker.SyntheticPbx.Chan;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Park and retrieve (res_parking's ParkedCall, UnParkedCall, ParkedCallTimeOut, ParkedCallGiveUp with the fields of
 * Asterisk 22's documentation: Parkee and Parker snapshots, ParkerDialString, Parkinglot, ParkingSpace,
 * ParkingTimeout, ParkingDuration, Retriever), a consultation call placed from the agent's phone with its own
 * Linkedid, and channel renames. No real capture has them, so the streams are built to the documentation.
 */
class ParkAndConsultationTest {

    private ReplayHarness h;
    private SyntheticPbx pbx;

    @BeforeEach
    void setUp() {
        h = new ReplayHarness();
        pbx = new SyntheticPbx(h);
        pbx.member("support", "PJSIP/agent1", "SIP Agent 1", "0", "1");
        pbx.member("support", "PJSIP/agent2", "SIP Agent 2", "0", "1");
    }

    private AgentState agentState(String iface) {
        return h.tracker.view().agents().stream().filter(a -> a.iface().equals(iface)).findFirst().orElseThrow().state();
    }

    /** A caller answered by PJSIP/agent1 from queue support after 4 s, in bridge b1. */
    private Chan[] connectedQueueCall() {
        Chan caller = pbx.channel("PJSIP/trunk-00000001", null, "incoming", "5000", "5553000", "Parked Caller");
        pbx.join(caller, "support", 1);
        Chan agent = pbx.channel("PJSIP/agent1-00000002", caller, "from-agents", "s", "agent1", "SIP Agent 1");
        pbx.agentCalled(caller, agent, "support", "PJSIP/agent1", "SIP Agent 1");
        pbx.advance(4);
        pbx.connect(caller, agent, "support", "PJSIP/agent1", "SIP Agent 1", 4);
        pbx.bridge("b1", agent, caller);
        return new Chan[] {caller, agent};
    }

    private static String[] parkee(Chan c) {
        return new String[] {"ParkeeChannel", c.name(), "ParkeeChannelState", "6", "ParkeeCallerIDNum", c.cidNum(),
                "ParkeeCallerIDName", c.cidName(), "ParkeeContext", c.context(), "ParkeeExten", c.exten(),
                "ParkeeUniqueid", c.uid(), "ParkeeLinkedid", c.linkedid()};
    }

    private static String[] snapshot(String prefix, Chan c) {
        return new String[] {prefix + "Channel", c.name(), prefix + "ChannelState", "6", prefix + "CallerIDNum",
                c.cidNum(), prefix + "CallerIDName", c.cidName(), prefix + "Uniqueid", c.uid(), prefix + "Linkedid",
                c.linkedid()};
    }

    private static String[] concat(String[]... parts) {
        return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }

    /** The Park action on the customer's channel: out of the agent's bridge into the parking bridge. */
    private void park(Chan caller, Chan agent, long talk) {
        pbx.leave("b1", caller);
        pbx.bridge("parking-default", caller);
        pbx.send("ParkedCall", concat(parkee(caller), new String[] {"ParkerDialString", "PJSIP/agent1",
                "Parkinglot", "default", "ParkingSpace", "701", "ParkingTimeout", "45", "ParkingDuration", "0"}));
        // app_queue sees the caller leave the agent; the agent hangs up.
        pbx.complete(caller, agent, "support", "PJSIP/agent1", "SIP Agent 1", 4, talk, "transfer");
        pbx.on("HangupRequest", agent, "Cause", "16");
        pbx.leave("b1", agent);
        pbx.hangup(agent);
    }

    @Test
    void parkedByOneAgentAndRetrievedByAnotherStaysOneCall() {
        Chan[] c = connectedQueueCall();
        Chan caller = c[0];
        pbx.advance(20);
        park(caller, c[1], 20);
        assertEquals(CallState.HELD, h.tracker.view().call(caller.uid()).orElseThrow().state());
        assertEquals(AgentState.AVAILABLE, agentState("PJSIP/agent1"), "the parker is free");
        pbx.advance(30);
        // Agent 2 dials the space: a call of its own (own Linkedid) that picks the customer up.
        Chan picker = pbx.channel("PJSIP/agent2-00000009", null, "from-agents", "701", "agent2", "SIP Agent 2");
        pbx.on("Newexten", picker, "Context", "parkedcalls", "Exten", "701", "Priority", "1",
                "Application", "ParkedCall", "AppData", "default,701");
        pbx.send("UnParkedCall", concat(parkee(caller), snapshot("Retriever", picker), new String[] {
                "ParkerDialString", "PJSIP/agent1", "Parkinglot", "default", "ParkingSpace", "701",
                "ParkingTimeout", "15", "ParkingDuration", "30"}));
        pbx.leave("parking-default", caller);
        pbx.bridge("b2", picker, caller);
        CallView live = h.tracker.view().call(caller.uid()).orElseThrow();
        assertEquals(CallState.CONNECTED, live.state());
        assertEquals("PJSIP/agent2", live.agentInterface(), "the retriever is the connected agent");
        assertTrue(live.parties().stream().anyMatch(p -> p.role() == Party.Role.AGENT && p.channel().equals(picker.name())));
        assertEquals(List.of(caller.uid()), h.tracker.view().calls().stream().map(CallView::callId).toList(),
                "the pickup leg is not a call of its own");
        assertEquals(AgentState.ON_CALL, agentState("PJSIP/agent2"));
        pbx.advance(15);
        pbx.on("HangupRequest", picker, "Cause", "16");
        pbx.leave("b2", picker);
        pbx.leave("b2", caller);
        pbx.hangup(picker, caller);

        List<CallRecord> records = h.records();
        assertEquals(1, records.size(), "one call: " + records);
        CallRecord r = records.get(0);
        assertEquals(CallResult.ANSWERED, r.result());
        assertEquals("SIP Agent 2", r.agentName());
        assertEquals(EndedBy.AGENT, r.endedBy(), "the retrieving agent hung up");
        assertEquals(1, r.parked().size());
        CallRecord.Park p = r.parked().get(0);
        assertEquals("701", p.space());
        assertEquals("default", p.lot());
        assertEquals("PJSIP/agent1", p.by(), "from ParkerDialString");
        assertEquals("PJSIP/agent2", p.retrievedBy());
        assertEquals("retrieved", p.outcome());
        assertEquals(30, p.seconds());
        assertEquals(List.of("PJSIP/agent1", "PJSIP/agent2"),
                r.segments().stream().map(CallRecord.Segment::agentInterface).collect(Collectors.toList()));
        assertEquals(20, r.segments().get(0).talkSeconds());
        assertEquals(15, r.segments().get(1).talkSeconds());
        assertEquals(35, r.talkSeconds(), "both agents' talk, not the time parked");
        assertEquals(AgentState.AVAILABLE, agentState("PJSIP/agent2"));
    }

    /**
     * Parked through a parking extension: the agent blind-transfers the customer to 700 and res_parking parks them
     * (BlindTransfer, then ParkedCall with the Parker snapshot: the agent's channel). Another agent picks them up; the
     * customer hangs up last.
     */
    @Test
    void parkedThroughTheParkingExtensionStaysOneCallAndEndsAsTheCustomers() {
        Chan[] c = connectedQueueCall();
        Chan caller = c[0];
        Chan agent = c[1];
        pbx.advance(12);
        pbx.send("BlindTransfer", concat(new String[] {"Result", "Success"}, snapshot("Transferer", agent),
                snapshot("Transferee", caller), new String[] {"TransfererContext", "from-agents", "IsExternal", "No",
                        "Context", "from-agents", "Extension", "700"}));
        pbx.leave("b1", caller);
        pbx.bridge("parking-default", caller);
        pbx.send("ParkedCall", concat(parkee(caller), snapshot("Parker", agent), new String[] {
                "ParkerDialString", "PJSIP/agent1", "Parkinglot", "default", "ParkingSpace", "702",
                "ParkingTimeout", "45", "ParkingDuration", "0"}));
        pbx.complete(caller, agent, "support", "PJSIP/agent1", "SIP Agent 1", 4, 12, "transfer");
        pbx.on("HangupRequest", agent, "Cause", "16");
        pbx.leave("b1", agent);
        pbx.hangup(agent);
        assertEquals(CallState.HELD, h.tracker.view().call(caller.uid()).orElseThrow().state());
        pbx.advance(8);
        Chan picker = pbx.channel("PJSIP/agent2-00000011", null, "from-agents", "702", "agent2", "SIP Agent 2");
        pbx.on("Newexten", picker, "Context", "parkedcalls", "Exten", "702", "Priority", "1",
                "Application", "ParkedCall", "AppData", "default,702");
        pbx.send("UnParkedCall", concat(parkee(caller), snapshot("Retriever", picker), new String[] {
                "ParkerDialString", "PJSIP/agent1", "Parkinglot", "default", "ParkingSpace", "702",
                "ParkingTimeout", "37", "ParkingDuration", "8"}));
        pbx.leave("parking-default", caller);
        pbx.bridge("b3", picker, caller);
        assertEquals("PJSIP/agent2", h.tracker.view().call(caller.uid()).orElseThrow().agentInterface());
        pbx.advance(25);
        pbx.on("HangupRequest", caller, "Cause", "16");
        pbx.leave("b3", caller);
        pbx.leave("b3", picker);
        pbx.hangup(caller, picker);

        assertEquals(1, h.records().size(), "one call: " + h.records());
        CallRecord r = h.records().get(0);
        assertEquals(caller.uid(), r.callId());
        assertEquals(CallResult.ANSWERED, r.result());
        assertEquals("SIP Agent 2", r.agentName(), "the retrieving agent is the connected party");
        assertEquals(EndedBy.CALLER, r.endedBy(), "the customer hung up last");
        assertEquals(List.of(new Transfer(Transfer.Kind.BLIND, "700")), r.transfers(), "how it was parked");
        CallRecord.Park p = r.parked().get(0);
        assertEquals("702", p.space());
        assertEquals("default", p.lot());
        assertEquals("PJSIP/agent1", p.by(), "the Parker channel's agent");
        assertEquals("PJSIP/agent2", p.retrievedBy());
        assertEquals(8, p.seconds());
        assertEquals("retrieved", p.outcome());
        assertEquals(List.of(12L, 25L), r.segments().stream().map(CallRecord.Segment::talkSeconds).toList());
        assertEquals(37, r.talkSeconds());
        assertEquals(List.of(), h.tracker.view().calls());
        assertEquals(AgentState.AVAILABLE, agentState("PJSIP/agent1"));
        assertEquals(AgentState.AVAILABLE, agentState("PJSIP/agent2"));
    }

    @Test
    void customerHangingUpWhileParkedEndsTheCallAsTheCallers() {
        Chan[] c = connectedQueueCall();
        Chan caller = c[0];
        pbx.advance(10);
        park(caller, c[1], 10);
        pbx.advance(12);
        pbx.on("HangupRequest", caller, "Cause", "16");
        pbx.send("ParkedCallGiveUp", concat(parkee(caller), new String[] {"ParkerDialString", "PJSIP/agent1",
                "Parkinglot", "default", "ParkingSpace", "701", "ParkingTimeout", "33", "ParkingDuration", "12"}));
        pbx.leave("parking-default", caller);
        pbx.hangup(caller);

        CallRecord r = h.records().get(0);
        assertEquals(1, h.records().size());
        assertEquals(EndedBy.CALLER, r.endedBy(), "not the parker's hangup, not app_queue's 'transfer'");
        assertEquals("gave_up", r.parked().get(0).outcome());
        assertNull(r.parked().get(0).retrievedBy());
        assertEquals(12, r.parked().get(0).seconds());
        assertEquals(CallResult.ANSWERED, r.result());
        assertEquals(10, r.talkSeconds());
    }

    @Test
    void parkTimeoutSendsTheCallBackAndSaysSo() {
        Chan[] c = connectedQueueCall();
        Chan caller = c[0];
        park(caller, c[1], 0);
        pbx.advance(45);
        pbx.send("ParkedCallTimeOut", concat(parkee(caller), new String[] {"ParkerDialString", "PJSIP/agent1",
                "Parkinglot", "default", "ParkingSpace", "701", "ParkingTimeout", "0", "ParkingDuration", "45"}));
        pbx.hangup(caller);
        CallRecord.Park p = h.records().get(0).parked().get(0);
        assertEquals("timeout", p.outcome());
        assertEquals(45, p.seconds());
    }

    @Test
    void consultationCallFromTheAgentsPhoneIsASeparateLinkedCall() {
        Chan[] c = connectedQueueCall();
        Chan caller = c[0];
        Chan agent = c[1];
        pbx.on("Hold", agent, "MusicClass", "default");
        pbx.on("MusicOnHoldStart", caller, "Class", "default");
        pbx.advance(2);
        // The agent's phone places a second call (its own Linkedid) to 300 to consult.
        Chan consult = pbx.channel("PJSIP/agent1-00000005", null, "from-agents", "300", "agent1", "SIP Agent 1");
        Chan target = pbx.channel("PJSIP/sales300-00000006", consult, "from-agents", "s", "300", "Sales");
        pbx.dial("DialBegin", consult, target, "DialString", "PJSIP/300");
        pbx.advance(1);
        pbx.dial("DialEnd", consult, target, "DialStatus", "ANSWER");
        pbx.bridge("b2", consult, target);
        assertEquals(2, h.tracker.view().calls().size(), "the consultation is a call of its own");
        assertEquals("PJSIP/agent1", h.tracker.view().call(consult.uid()).orElseThrow().agentInterface(),
                "the agent's desktop follows its consultation call");
        pbx.advance(5);
        // The phone completes the transfer (REFER with Replaces): the customer is bridged with the target.
        pbx.send("AttendedTransfer", "Result", "Success", "OrigTransfererChannel", agent.name(),
                "OrigTransfererUniqueid", agent.uid(), "OrigBridgeUniqueid", "b1", "SecondTransfererChannel",
                consult.name(), "SecondTransfererUniqueid", consult.uid(), "SecondBridgeUniqueid", "b2",
                "TransfereeChannel", caller.name(), "TransfereeUniqueid", caller.uid(), "TransferTargetChannel",
                target.name(), "TransferTargetUniqueid", target.uid(), "IsExternal", "No", "DestType", "Bridge",
                "DestBridgeUniqueid", "b2");
        pbx.on("MusicOnHoldStop", caller);
        pbx.leave("b1", caller);
        pbx.leave("b1", agent);
        pbx.leave("b2", consult);
        pbx.on("BridgeEnter", caller, "BridgeUniqueid", "b2");
        pbx.hangup(agent, consult);
        pbx.complete(caller, agent, "support", "PJSIP/agent1", "SIP Agent 1", 4, 8, "transfer");
        pbx.advance(30);
        pbx.on("HangupRequest", target, "Cause", "16");
        pbx.leave("b2", target);
        pbx.leave("b2", caller);
        pbx.hangup(target, caller);

        Map<String, CallRecord> records = h.records().stream().collect(Collectors.toMap(CallRecord::callId, r -> r));
        assertEquals(2, records.size(), "the customer's call and the consultation call");
        CallRecord customer = records.get(caller.uid());
        CallRecord consultation = records.get(consult.uid());
        assertEquals(List.of(consult.uid()), customer.relatedCalls());
        assertEquals(List.of(caller.uid()), consultation.relatedCalls());
        assertEquals(List.of(new Transfer(Transfer.Kind.ATTENDED, "300")), customer.transfers());
        assertEquals(EndedBy.TRANSFER, customer.endedBy());
        assertEquals("support", customer.queue());
        assertEquals(1, customer.holds().size());
        assertEquals("PJSIP/agent1", customer.holds().get(0).by());
        assertNull(consultation.queue());
        assertEquals("PJSIP/agent1", consultation.agentInterface(), "the agent placed it");
        assertEquals(CallResult.ANSWERED, consultation.result());
        assertEquals(List.of(), h.tracker.view().calls());
    }

    @Test
    void renamedChannelKeepsItsCallAndPartiesShowTheNewName() {
        Chan[] c = connectedQueueCall();
        pbx.send("Rename", "Channel", c[1].name(), "Newname", "PJSIP/agent1-00000002<ZOMBIE>", "Uniqueid", c[1].uid());
        CallView live = h.tracker.view().call(c[0].uid()).orElseThrow();
        assertTrue(live.parties().stream().anyMatch(p -> p.channel().equals("PJSIP/agent1-00000002<ZOMBIE>")));
        pbx.hangup(c[1], c[0]);
        assertEquals(1, h.records().size());
        assertEquals(List.of(), h.tracker.view().calls());
    }
}
