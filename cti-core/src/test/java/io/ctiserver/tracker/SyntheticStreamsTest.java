package io.ctiserver.tracker;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.events.AgentState;
import io.ctiserver.events.AgentStateChanged;
import io.ctiserver.events.CallAnswered;
import io.ctiserver.events.CallDirection;
import io.ctiserver.events.CallOffered;
import io.ctiserver.events.CallRecord;
import io.ctiserver.events.CallResult;
import io.ctiserver.events.CallState;
import io.ctiserver.events.CallTransferred;
import io.ctiserver.events.CallView;
import io.ctiserver.events.CtiEvent;
import io.ctiserver.events.EndedBy;
import io.ctiserver.events.QueueEntryView;
import io.ctiserver.events.Transfer;
import io.ctiserver.tracker.SyntheticPbx.Chan;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Cases without a capture, built from the capture's event shapes: ringall, Redirect, hold, concurrency, non-queue calls. */
class SyntheticStreamsTest {

    private ReplayHarness h;
    private SyntheticPbx pbx;

    @BeforeEach
    void setUp() {
        h = new ReplayHarness();
        pbx = new SyntheticPbx(h);
    }

    private List<String> agentStates(String memberName) {
        return h.of(AgentStateChanged.class).stream().filter(e -> memberName.equals(e.agent().memberName()))
                .map(e -> e.agent().state().wire()).collect(Collectors.toList());
    }

    private AgentState agentState(String iface) {
        return h.tracker.view().agents().stream().filter(a -> a.iface().equals(iface)).findFirst().orElseThrow().state();
    }

    /** A SIP caller queued on support and answered by PJSIP/agent1, in bridge "b1". */
    private Chan[] connectedQueueCall() {
        pbx.member("support", "PJSIP/agent1", "SIP Agent 1", "0", "1");
        Chan caller = pbx.channel("PJSIP/trunk-00000001", null, "incoming", "5000", "5553000", "Held Caller");
        pbx.join(caller, "support", 1);
        Chan agent = pbx.channel("PJSIP/agent1-00000002", caller, "from-agents", "s", "agent1", "SIP Agent 1");
        pbx.agentCalled(caller, agent, "support", "PJSIP/agent1", "SIP Agent 1");
        pbx.advance(4);
        pbx.connect(caller, agent, "support", "PJSIP/agent1", "SIP Agent 1", 4);
        pbx.bridge("b1", agent, caller);
        return new Chan[] {caller, agent};
    }

    @Test
    void ringallQueueRingsSeveralAgentsAndOneAnswers() {
        pbx.member("sales", "Local/203@agents/n", "Agent 203", "0", "1");
        pbx.member("sales", "Local/204@agents/n", "Agent 204", "0", "1");
        Chan caller = pbx.channel("PJSIP/trunk-00000001", null, "incoming", "8000", "5552000", "Ring All");
        pbx.join(caller, "sales", 1);
        Chan a203 = pbx.channel("Local/203@agents-00000002;1", caller, "agents", "203", "5552000", "Ring All");
        Chan a203b = pbx.channel("Local/203@agents-00000002;2", caller, "agents", "203", "5552000", "Ring All");
        Chan a204 = pbx.channel("Local/204@agents-00000003;1", caller, "agents", "204", "5552000", "Ring All");
        Chan a204b = pbx.channel("Local/204@agents-00000003;2", caller, "agents", "204", "5552000", "Ring All");
        pbx.agentCalled(caller, a203, "sales", "Local/203@agents/n", "Agent 203");
        pbx.agentCalled(caller, a204, "sales", "Local/204@agents/n", "Agent 204");
        assertEquals(AgentState.RINGING, agentState("Local/203@agents/n"));
        assertEquals(AgentState.RINGING, agentState("Local/204@agents/n"));
        pbx.advance(3);
        assertEquals("Agent 204", h.tracker.view().call(caller.uid()).orElseThrow().agentName(), "the last rung");
        pbx.on("AgentRingNoAnswer", caller, "DestUniqueid", a204.uid(), "Queue", "sales",
                "Interface", "Local/204@agents/n", "MemberName", "Agent 204", "RingTime", "0");
        assertEquals("Agent 203", h.tracker.view().call(caller.uid()).orElseThrow().agentName(), "203 still rings");
        pbx.agentCalled(caller, a204, "sales", "Local/204@agents/n", "Agent 204");
        pbx.dial("DialEnd", caller, a204, "DialStatus", "ANSWER");
        pbx.dial("DialEnd", caller, a203, "DialStatus", "CANCEL");
        assertEquals(AgentState.AVAILABLE, agentState("Local/203@agents/n"), "CANCEL ends 203's ringing");
        pbx.on("QueueCallerLeave", caller, "Queue", "sales", "Position", "1", "Count", "0");
        pbx.dial("AgentConnect", caller, a204, "Queue", "sales", "Interface", "Local/204@agents/n",
                "MemberName", "Agent 204", "HoldTime", "3", "RingTime", "3");
        pbx.hangup(a203, a203b);
        pbx.bridge("b1", a204, caller);
        pbx.advance(20);
        pbx.complete(caller, a204, "sales", "Local/204@agents/n", "Agent 204", 3, 20, "caller");
        pbx.leave("b1", caller);
        pbx.leave("b1", a204);
        pbx.send("BridgeDestroy", "BridgeUniqueid", "b1");
        pbx.hangup(caller, a204, a204b);

        List<CallOffered> offers = h.of(CallOffered.class);
        assertEquals(List.of("-", "Agent 203", "Agent 204", "Agent 204"),
                offers.stream().map(o -> o.agentName() == null ? "-" : o.agentName()).collect(Collectors.toList()));
        assertTrue(offers.stream().allMatch(o -> o.call().callId().equals(caller.uid())));
        assertEquals(List.of("available", "ringing", "available"), agentStates("Agent 203"));
        assertEquals(List.of("available", "ringing", "available", "ringing", "on_call", "available"),
                agentStates("Agent 204"));
        assertEquals("Agent 204", h.of(CallAnswered.class).get(0).call().agentName());
        CallRecord r = h.records().get(0);
        assertEquals(1, h.records().size());
        assertEquals("sales", r.queue());
        assertEquals("Agent 204", r.agentName());
        assertEquals("Local/204@agents/n", r.agentInterface());
        assertEquals(3, r.waitSeconds());
        assertEquals(20, r.talkSeconds());
        assertEquals(EndedBy.CALLER, r.endedBy());
        assertEquals(Instant.ofEpochMilli(SyntheticPbx.T0 + 3), r.startedAt(), "live receive time of Newchannel");
    }

    @Test
    void redirectOfTheCallerOutOfTheBridgeIsATransferAndKeepsTheCall() {
        Chan[] c = connectedQueueCall();
        Chan caller = c[0];
        Chan agent = c[1];
        pbx.leave("b1", caller);
        pbx.on("Newexten", caller, "Context", "transfer-targets", "Exten", "300", "Priority", "1",
                "Application", "NoOp", "AppData", "");
        // The agent's side is left alone in the bridge and hangs up; the caller talks on at 300.
        pbx.leave("b1", agent);
        pbx.on("HangupRequest", agent, "Cause", "16");
        pbx.hangup(agent);
        assertEquals(AgentState.AVAILABLE, agentState("PJSIP/agent1"), "the agent's leg is gone");
        CallView live = h.tracker.view().call(caller.uid()).orElseThrow();
        assertEquals(CallState.CONNECTED, live.state());
        pbx.advance(10);
        pbx.hangup(caller);

        List<CallTransferred> transfers = h.of(CallTransferred.class);
        assertEquals(1, transfers.size());
        assertEquals(new Transfer(Transfer.Kind.REDIRECT, "300"), transfers.get(0).transfer());
        CallRecord r = h.records().get(0);
        assertEquals(caller.uid(), r.callId());
        assertEquals(List.of(new Transfer(Transfer.Kind.REDIRECT, "300")), r.transfers());
        assertEquals(EndedBy.TRANSFER, r.endedBy());
        assertEquals("SIP Agent 1", r.agentName());
    }

    @Test
    void callerLeavingBecauseOfAHangupIsNotARedirect() {
        Chan[] c = connectedQueueCall();
        pbx.leave("b1", c[0]);
        pbx.on("SoftHangupRequest", c[0], "Cause", "16");
        pbx.on("Newexten", c[0], "Context", "incoming", "Exten", "h", "Priority", "1");
        pbx.leave("b1", c[1]);
        pbx.hangup(c[1], c[0]);
        assertEquals(List.of(), h.of(CallTransferred.class));
        assertEquals(EndedBy.CALLER, h.records().get(0).endedBy());
    }

    @Test
    void holdAndUnholdInAllTheirFormsKeepTheCall() {
        Chan[] c = connectedQueueCall();
        Chan caller = c[0];
        Chan agent = c[1];
        pbx.on("Hold", agent, "MusicClass", "default");
        pbx.on("MusicOnHoldStart", caller, "Class", "default");
        pbx.on("Unhold", agent);
        pbx.on("MusicOnHoldStop", caller);
        pbx.on("MusicOnHoldStart", caller, "Class", "default");
        pbx.on("MusicOnHoldStop", caller);
        // A desktop's hold by Redirect: the caller is moved to the hold context, then brought back into the bridge.
        pbx.leave("b1", caller);
        pbx.on("Newexten", caller, "Context", "cti-hold", "Exten", "s", "Priority", "1", "Application", "MusicOnHold");
        assertEquals(CallState.HELD, h.tracker.view().call(caller.uid()).orElseThrow().state());
        pbx.on("BridgeEnter", caller, "BridgeUniqueid", "b1");
        pbx.hangup(agent, caller);

        assertEquals(List.of("call.offered", "call.offered", "call.answered", "call.held", "call.retrieved",
                "call.held", "call.retrieved", "call.held", "call.retrieved", "call.ended"), h.callTypes());
        assertTrue(h.events.stream().filter(e -> e.type().startsWith("call.held") || e.type().startsWith("call.retrieved"))
                .allMatch(e -> callIdOf(e).equals(caller.uid())));
        assertEquals(List.of(), h.records().get(0).transfers(), "hold by Redirect is not a transfer");
    }

    private static String callIdOf(CtiEvent e) {
        if (e instanceof io.ctiserver.events.CallHeld held) {
            return held.call().callId();
        }
        return ((io.ctiserver.events.CallRetrieved) e).call().callId();
    }

    @Test
    void concurrentCallsInOneQueue() {
        pbx.member("support", "PJSIP/agent1", "SIP Agent 1", "0", "1");
        Chan first = pbx.channel("PJSIP/trunk-00000001", null, "incoming", "5000", "5554001", "First");
        pbx.join(first, "support", 1);
        Chan second = pbx.channel("PJSIP/trunk-00000002", null, "incoming", "5000", "5554002", "Second");
        pbx.join(second, "support", 2);
        assertEquals(List.of(first.uid() + "@1", second.uid() + "@2"), entries("support"));

        Chan agent = pbx.channel("PJSIP/agent1-00000003", first, "from-agents", "s", "agent1", "SIP Agent 1");
        pbx.agentCalled(first, agent, "support", "PJSIP/agent1", "SIP Agent 1");
        pbx.advance(5);
        pbx.connect(first, agent, "support", "PJSIP/agent1", "SIP Agent 1", 5);
        assertEquals(List.of(second.uid() + "@1"), entries("support"), "the second caller moves up");
        pbx.bridge("b1", agent, first);
        pbx.advance(7);
        pbx.on("QueueCallerAbandon", second, "Queue", "support", "Position", "1", "OriginalPosition", "2", "HoldTime", "12");
        pbx.on("QueueCallerLeave", second, "Queue", "support", "Position", "1", "Count", "0");
        pbx.hangup(second);
        assertEquals(List.of(), entries("support"));
        assertEquals(1, h.tracker.view().calls().size());
        pbx.complete(first, agent, "support", "PJSIP/agent1", "SIP Agent 1", 5, 9, "agent");
        pbx.hangup(agent, first);

        Map<String, CallRecord> records = h.records().stream().collect(Collectors.toMap(CallRecord::callId, r -> r));
        assertEquals(2, records.size());
        assertEquals(CallResult.ANSWERED, records.get(first.uid()).result());
        assertEquals("5554001", records.get(first.uid()).callerNumber());
        assertEquals(EndedBy.AGENT, records.get(first.uid()).endedBy());
        assertEquals(CallResult.ABANDONED, records.get(second.uid()).result());
        assertEquals(12, records.get(second.uid()).waitSeconds());
        assertEquals("5554002", records.get(second.uid()).callerNumber());
        List<CallOffered> entryOffers = h.of(CallOffered.class).stream().filter(o -> o.agentName() == null)
                .collect(Collectors.toList());
        assertEquals(List.of(first.uid(), second.uid()),
                entryOffers.stream().map(o -> o.call().callId()).collect(Collectors.toList()));
    }

    private List<String> entries(String queue) {
        return h.tracker.view().queues().stream().filter(q -> q.name().equals(queue)).findFirst().orElseThrow()
                .entries().stream().map((QueueEntryView e) -> e.callId() + "@" + e.position()).collect(Collectors.toList());
    }

    @Test
    void internalCallBetweenTwoAgentsWithoutAQueue() {
        pbx.member("support", "PJSIP/agent1", "SIP Agent 1", "0", "1");
        pbx.member("support", "PJSIP/agent2", "SIP Agent 2", "0", "1");
        Chan from = pbx.channel("PJSIP/agent1-00000010", null, "from-agents", "202", "1001", "SIP Agent 1");
        Chan to = pbx.channel("PJSIP/agent2-00000011", from, "from-agents", "s", "1002", "SIP Agent 2");
        pbx.dial("DialBegin", from, to, "DialString", "agent2");
        assertEquals(AgentState.RINGING, agentState("PJSIP/agent2"));
        pbx.advance(2);
        pbx.dial("DialEnd", from, to, "DialStatus", "ANSWER");
        pbx.bridge("b9", from, to);
        assertEquals(AgentState.ON_CALL, agentState("PJSIP/agent1"), "the calling agent is on the call");
        assertEquals(AgentState.ON_CALL, agentState("PJSIP/agent2"));
        pbx.advance(30);
        pbx.on("HangupRequest", to, "Cause", "16");
        pbx.leave("b9", to);
        pbx.leave("b9", from);
        pbx.hangup(to, from);

        assertEquals(List.of("call.offered", "call.offered", "call.answered", "call.ended"), h.callTypes());
        assertEquals("SIP Agent 1", h.of(CallOffered.class).get(0).agentName(), "the calling agent owns the call");
        assertEquals("SIP Agent 2", h.of(CallOffered.class).get(1).agentName(), "the called agent's phone rings");
        CallRecord r = h.records().get(0);
        assertEquals(List.of("PJSIP/agent2", "PJSIP/agent1"),
                r.segments().stream().map(CallRecord.Segment::agentInterface).collect(Collectors.toList()),
                "both agents talked");
        assertEquals(CallDirection.INTERNAL, r.direction());
        assertEquals("202", r.dialed());
        assertEquals("1001", r.callerNumber());
        assertEquals("SIP Agent 2", r.agentName());
        assertEquals(CallResult.ANSWERED, r.result());
        assertEquals(30, r.talkSeconds(), "from the live receive times");
        assertEquals(0, r.waitSeconds());
        assertEquals(EndedBy.AGENT, r.endedBy());
        assertEquals(AgentState.AVAILABLE, agentState("PJSIP/agent1"));
        assertEquals(AgentState.AVAILABLE, agentState("PJSIP/agent2"));
    }

    @Test
    void outboundCallFromAnAgent() {
        pbx.member("support", "PJSIP/agent1", "SIP Agent 1", "0", "1");
        Chan from = pbx.channel("PJSIP/agent1-00000020", null, "from-agents", "0155512345", "1001", "SIP Agent 1");
        Chan trunk = pbx.channel("PJSIP/trunk-00000021", from, "from-agents", "s", "0155512345", "");
        pbx.dial("DialBegin", from, trunk, "DialString", "trunk/0155512345");
        pbx.advance(5);
        pbx.dial("DialEnd", from, trunk, "DialStatus", "ANSWER");
        pbx.bridge("b7", from, trunk);
        pbx.advance(42);
        pbx.on("HangupRequest", from, "Cause", "16");
        pbx.leave("b7", from);
        pbx.leave("b7", trunk);
        pbx.hangup(from, trunk);

        assertEquals(List.of("call.offered", "call.answered", "call.ended"), h.callTypes());
        CallOffered offer = h.of(CallOffered.class).get(0);
        assertEquals("PJSIP/agent1", offer.agentInterface(), "the agent's desktop sees its own call ring");
        assertEquals("PJSIP/agent1", h.of(CallAnswered.class).get(0).call().agentInterface());
        CallRecord r = h.records().get(0);
        assertEquals(CallDirection.OUTBOUND, r.direction());
        assertEquals("0155512345", r.dialed());
        assertEquals("SIP Agent 1", r.agentName(), "the agent who placed it");
        assertEquals(42, r.talkSeconds(), "from the far end's answer");
        assertEquals(EndedBy.AGENT, r.endedBy(), "the agent hung up");
        assertEquals(List.of("available", "ringing", "on_call", "available"), agentStates("SIP Agent 1"));
    }

    @Test
    void unansweredOutboundCall() {
        Chan from = pbx.channel("PJSIP/phone9-00000030", null, "from-internal", "0155599999", "1009", "Phone 9");
        Chan trunk = pbx.channel("PJSIP/trunk-00000031", from, "from-internal", "s", "0155599999", "");
        pbx.dial("DialBegin", from, trunk, "DialString", "trunk/0155599999");
        pbx.advance(20);
        pbx.dial("DialEnd", from, trunk, "DialStatus", "NOANSWER");
        pbx.hangup(trunk);
        pbx.on("HangupRequest", from, "Cause", "16");
        pbx.hangup(from);
        CallRecord r = h.records().get(0);
        assertEquals(CallResult.UNANSWERED, r.result());
        assertEquals(CallDirection.OUTBOUND, r.direction());
        assertEquals(EndedBy.CALLER, r.endedBy());
    }

    @Test
    void attachedDataTravelsWithTheCallThroughATransfer() {
        Chan[] c = connectedQueueCall();
        pbx.on("VarSet", c[0], "Variable", "IVR_LANGUAGE", "Value", "fr");
        pbx.on("VarSet", c[0], "Variable", "SOMETHING_ELSE", "Value", "ignored");
        assertTrue(h.tracker.attachData(c[0].uid(), "ticket", "T-42"));
        assertFalse(h.tracker.attachData("no-such-call", "ticket", "T-1"));
        assertEquals("T-42", h.tracker.view().call(c[0].uid()).orElseThrow().data().get("ticket"));
        pbx.send("BlindTransfer", "Result", "Success", "TransfererChannel", c[1].name(), "TransfererUniqueid", c[1].uid(),
                "TransfereeChannel", c[0].name(), "TransfereeUniqueid", c[0].uid(), "IsExternal", "Yes",
                "Context", "transfer-targets", "Extension", "300");
        assertEquals("T-42", h.of(CallTransferred.class).get(0).call().data().get("ticket"));
        pbx.leave("b1", c[1]);
        pbx.leave("b1", c[0]);
        pbx.on("Newexten", c[0], "Context", "transfer-targets", "Exten", "300", "Priority", "1");
        pbx.hangup(c[1], c[0]);
        assertEquals(1, h.of(CallTransferred.class).size(), "the blind transfer's bridge leave is not also a Redirect");
        CallRecord r = h.records().get(0);
        assertEquals(Map.of("ticket", "T-42", "IVR_LANGUAGE", "fr"), r.data());
        assertEquals(List.of(new Transfer(Transfer.Kind.BLIND, "300")), r.transfers());
    }

    @Test
    void conferenceWhenAThirdPartyEntersTheBridge() {
        Chan[] c = connectedQueueCall();
        Chan third = pbx.channel("PJSIP/supervisor-00000040", c[0], "from-agents", "s", "1900", "Boss");
        pbx.on("BridgeEnter", third, "BridgeUniqueid", "b1");
        assertEquals(1, h.of(io.ctiserver.events.CallConferenced.class).size());
        assertEquals(3, h.of(io.ctiserver.events.CallConferenced.class).get(0).call().parties().size());
    }

    @Test
    void badAndUnknownEventsAreIgnoredWithoutHarm() {
        Chan[] c = connectedQueueCall();
        CallView before = h.tracker.view().call(c[0].uid()).orElseThrow();
        int events = h.events.size();
        assertDoesNotThrow(() -> {
            pbx.send("SomethingNew", "Foo", "bar");
            pbx.send("Hangup");
            pbx.send("BridgeEnter", "BridgeUniqueid", "x", "Uniqueid", "unknown.1");
            pbx.send("AgentConnect", "Uniqueid", "unknown.2", "Interface", "PJSIP/x");
            pbx.send("QueueCallerJoin", "Uniqueid", c[0].uid());
            pbx.send("QueueMemberStatus", "Queue", "support", "Interface", "PJSIP/agent1", "Penalty", "not-a-number");
            h.tracker.onMessage(AmiMessage.of("Response", "Success", "ActionID", "1"));
        });
        assertEquals(before, h.tracker.view().call(c[0].uid()).orElseThrow());
        assertEquals(events, h.events.size(), "nothing emitted");
    }

    @Test
    void wrapUpFollowsAgentCompleteAndEndsWithTime() {
        Chan[] c = connectedQueueCall();
        pbx.send("QueueMember", "Queue", "support", "Name", "SIP Agent 1", "Location", "PJSIP/agent1",
                "StateInterface", "PJSIP/agent1", "Penalty", "0", "CallsTaken", "0", "InCall", "1", "Status", "2",
                "Paused", "0", "PausedReason", "", "Wrapuptime", "15");
        pbx.advance(10);
        pbx.complete(c[0], c[1], "support", "PJSIP/agent1", "SIP Agent 1", 4, 10, "caller");
        assertEquals(AgentState.WRAP_UP, agentState("PJSIP/agent1"));
        pbx.hangup(c[0], c[1]);
        assertEquals(AgentState.WRAP_UP, agentState("PJSIP/agent1"));
        h.tracker.tick(pbx.now + 14_000);
        assertEquals(AgentState.WRAP_UP, agentState("PJSIP/agent1"));
        h.tracker.tick(pbx.now + 16_000);
        assertEquals(AgentState.AVAILABLE, agentState("PJSIP/agent1"), "15 s of wrap-up are over");
        assertEquals(List.of("available", "ringing", "on_call", "wrap_up", "available"), agentStates("SIP Agent 1"));
    }

    @Test
    void localPairOptimisedAwayKeepsTheCallAndTheAgent() {
        pbx.member("support", "Local/205@agents", "Agent 205", "0", "1");
        Chan caller = pbx.channel("PJSIP/trunk-00000001", null, "incoming", "5000", "5556000", "Optimised");
        pbx.join(caller, "support", 1);
        Chan one = pbx.channel("Local/205@agents-00000002;1", caller, "agents", "205", "5556000", "Optimised");
        Chan two = pbx.channel("Local/205@agents-00000002;2", caller, "agents", "205", "5556000", "Optimised");
        pbx.agentCalled(caller, one, "support", "Local/205@agents", "Agent 205");
        Chan phone = pbx.channel("PJSIP/agent5-00000003", caller, "agents", "s", "agent5", "Agent Five");
        pbx.advance(2);
        pbx.connect(caller, one, "support", "Local/205@agents", "Agent 205", 2);
        pbx.bridge("b1", one, caller);
        pbx.bridge("b2", two, phone);
        pbx.send("LocalOptimizationBegin", "LocalOneChannel", one.name(), "LocalOneUniqueid", one.uid(),
                "LocalTwoChannel", two.name(), "LocalTwoUniqueid", two.uid(),
                "SourceChannel", phone.name(), "SourceUniqueid", phone.uid(), "DestUniqueId", caller.uid(), "Id", "1");
        // Worst order: the real channel enters the caller's bridge before the Local half leaves it.
        pbx.leave("b2", phone);
        pbx.on("BridgeEnter", phone, "BridgeUniqueid", "b1");
        pbx.leave("b1", one);
        pbx.send("LocalOptimizationEnd", "LocalOneChannel", one.name(), "LocalOneUniqueid", one.uid(),
                "LocalTwoChannel", two.name(), "LocalTwoUniqueid", two.uid(), "Success", "Yes", "Id", "1");
        pbx.leave("b2", two);
        pbx.hangup(one, two);

        CallView call = h.tracker.view().call(caller.uid()).orElseThrow();
        assertEquals(CallState.CONNECTED, call.state());
        assertEquals(List.of(), h.of(io.ctiserver.events.CallConferenced.class), "a swap is not a conference");
        io.ctiserver.events.Party agentParty = call.parties().stream()
                .filter(p -> p.role() == io.ctiserver.events.Party.Role.AGENT).findFirst().orElseThrow();
        assertEquals("PJSIP/agent5-00000003", agentParty.channel(), "the real channel took the Local half's place");
        assertEquals("Local/205@agents", agentParty.iface());
        assertEquals(AgentState.ON_CALL, agentState("Local/205@agents"));
        pbx.advance(6);
        pbx.complete(caller, one, "support", "Local/205@agents", "Agent 205", 2, 6, "agent");
        pbx.hangup(phone, caller);
        assertEquals(1, h.records().size());
        assertEquals("Agent 205", h.records().get(0).agentName());
        assertEquals(AgentState.AVAILABLE, agentState("Local/205@agents"));
    }

    @Test
    void parkAndPickupAreHoldAndRetrieveOfTheSameCall() {
        Chan[] c = connectedQueueCall();
        Chan caller = c[0];
        pbx.send("BlindTransfer", "Result", "Success", "TransfererChannel", c[1].name(), "TransfererUniqueid", c[1].uid(),
                "TransfereeChannel", caller.name(), "TransfereeUniqueid", caller.uid(), "IsExternal", "No",
                "Context", "from-agents", "Extension", "700");
        pbx.leave("b1", c[1]);
        pbx.leave("b1", caller);
        pbx.hangup(c[1]);
        pbx.on("BridgeEnter", caller, "BridgeUniqueid", "parking-701", "BridgeType", "parking");
        pbx.send("ParkedCall", "ParkeeChannel", caller.name(), "ParkeeUniqueid", caller.uid(), "ParkeeLinkedid",
                caller.linkedid(), "Parkinglot", "default", "ParkingSpace", "701", "ParkingTimeout", "45");
        assertEquals(CallState.HELD, h.tracker.view().call(caller.uid()).orElseThrow().state());
        Chan picker = pbx.channel("PJSIP/agent1-00000009", null, "from-agents", "701", "1001", "SIP Agent 1");
        pbx.send("UnParkedCall", "ParkeeChannel", caller.name(), "ParkeeUniqueid", caller.uid(),
                "RetrieverChannel", picker.name(), "RetrieverUniqueid", picker.uid(), "ParkingSpace", "701");
        assertEquals(CallState.CONNECTED, h.tracker.view().call(caller.uid()).orElseThrow().state());
        assertEquals(List.of("call.offered", "call.offered", "call.answered", "call.transferred", "call.held",
                "call.retrieved"), h.callTypes());
    }

    @Test
    void attendedTransferToAPhoneNamesWhatTheAgentDialled() {
        Chan[] c = connectedQueueCall();
        Chan caller = c[0];
        Chan agent = c[1];
        pbx.on("Hold", agent);
        // The agent's consultation call: dialled from the agent's channel, so it carries the call's Linkedid.
        Chan target = pbx.channel("PJSIP/sales300-00000005", caller, "from-agents", "s", "5553000", "Held Caller");
        pbx.dial("DialBegin", agent, target, "DialString", "PJSIP/300");
        pbx.dial("DialEnd", agent, target, "DialStatus", "ANSWER");
        pbx.bridge("b2", agent, target);
        pbx.send("AttendedTransfer", "Result", "Success", "OrigTransfererChannel", agent.name(),
                "OrigTransfererUniqueid", agent.uid(), "OrigBridgeUniqueid", "b1", "SecondTransfererChannel", agent.name(),
                "SecondTransfererUniqueid", agent.uid(), "SecondBridgeUniqueid", "b2", "TransfereeChannel", caller.name(),
                "TransfereeUniqueid", caller.uid(), "TransferTargetChannel", target.name(), "TransferTargetUniqueid",
                target.uid(), "TransferTargetExten", "s", "IsExternal", "No", "DestType", "Bridge", "DestBridgeUniqueid", "b1");
        assertEquals(new Transfer(Transfer.Kind.ATTENDED, "300"), h.of(CallTransferred.class).get(0).transfer());
        assertEquals(CallState.CONNECTED, h.of(CallTransferred.class).get(0).call().state(), "held no more");
    }

    @Test
    void supervisorWhisperFromTheDialplanAndTheSpyModes() {
        Chan[] c = connectedQueueCall();
        Chan boss = pbx.channel("PJSIP/boss-00000050", null, "supervisors", "555", "1900", "Boss");
        pbx.on("Newexten", boss, "Context", "supervisors", "Exten", "555", "Priority", "2",
                "Application", "ChanSpy", "AppData", "PJSIP/agent1,qwE");
        pbx.send("ChanSpyStart", "SpyerChannel", boss.name(), "SpyerUniqueid", boss.uid(), "SpyerLinkedid", boss.linkedid(),
                "SpyeeChannel", c[1].name(), "SpyeeUniqueid", c[1].uid(), "SpyeeLinkedid", c[1].linkedid());
        var started = h.of(io.ctiserver.events.MonitoringStarted.class).get(0);
        assertEquals(io.ctiserver.events.MonitorKind.WHISPER, started.kind());
        assertEquals(c[0].uid(), started.callId());
        pbx.hangup(boss);
        var stopped = h.of(io.ctiserver.events.MonitoringStopped.class).get(0);
        assertEquals(io.ctiserver.events.MonitorKind.WHISPER, stopped.kind(), "the spy's hangup stops it");
        assertEquals(List.of(), h.records(), "the supervisor's leg leaves no record");

        assertEquals(io.ctiserver.events.MonitorKind.LISTEN, MonitorEvents.spyKind("qs"));
        assertEquals(io.ctiserver.events.MonitorKind.BARGE, MonitorEvents.spyKind("qB"));
        assertEquals(io.ctiserver.events.MonitorKind.WHISPER, MonitorEvents.spyKind("W"));
        assertEquals(io.ctiserver.events.MonitorKind.LISTEN, MonitorEvents.spyKind("g(Bw)q"), "letters inside arguments do not count");
    }

    /** The desktop gateway's hold: one Redirect moves both legs to cti-hold; unhold is the Bridge action. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void gatewayHoldByRedirectOfBothLegsAndUnholdByBridgeAction(boolean callerLeavesFirst) {
        Chan[] c = connectedQueueCall();
        Chan caller = c[0];
        Chan agent = c[1];
        pbx.leave("b1", callerLeavesFirst ? caller : agent);
        pbx.leave("b1", callerLeavesFirst ? agent : caller);
        pbx.send("BridgeDestroy", "BridgeUniqueid", "b1");
        pbx.on("Newexten", caller, "Context", "cti-hold", "Exten", "hold", "Priority", "1", "Application", "MusicOnHold");
        pbx.on("Newexten", agent, "Context", "cti-hold", "Exten", "park", "Priority", "1", "Application", "Wait");
        pbx.on("MusicOnHoldStart", caller, "Class", "default");
        assertEquals(CallState.HELD, h.tracker.view().call(caller.uid()).orElseThrow().state());
        // Unhold: Action Bridge puts both into a new bridge; no MusicOnHoldStop is needed to see it.
        pbx.bridge("b3", caller, agent);
        assertEquals(CallState.CONNECTED, h.tracker.view().call(caller.uid()).orElseThrow().state());
        pbx.hangup(agent, caller);

        assertEquals(List.of("call.offered", "call.offered", "call.answered", "call.held", "call.retrieved",
                "call.ended"), h.callTypes());
        CallRecord r = h.records().get(0);
        assertEquals(caller.uid(), r.callId());
        assertEquals(List.of(), r.transfers(), "a hold is not a transfer");
    }

    /**
     * The gateway's conference with another agent as the target: the Originate rings that agent's phone (a call of its
     * own, offered to that agent), which then joins the room: it becomes an agent of the customer's call.
     */
    @Test
    void conferenceTargetThatIsAnAgentsPhoneJoinsTheCustomersCall() {
        pbx.member("support", "PJSIP/agent2", "SIP Agent 2", "0", "1");
        Chan[] c = connectedQueueCall();
        Chan caller = c[0];
        Chan agent = c[1];
        pbx.on("Newexten", caller, "Context", "cti-conference", "Exten", "4711", "Priority", "1", "Application", "Queue");
        pbx.on("Newexten", agent, "Context", "cti-conference", "Exten", "4711", "Priority", "1", "Application", "AppQueue");
        pbx.leave("b1", caller);
        pbx.leave("b1", agent);
        pbx.send("BridgeDestroy", "BridgeUniqueid", "b1");
        pbx.bridge("conf-4711", agent, caller);
        Chan phone2 = pbx.channel("PJSIP/agent2-00000070", null, "cti-conference", "4711", "agent2", "SIP Agent 2");
        pbx.send("DialBegin", "DestChannel", phone2.name(), "DestUniqueid", phone2.uid(), "DestLinkedid",
                phone2.linkedid(), "DialString", "agent2");
        assertEquals(AgentState.RINGING, agentState("PJSIP/agent2"));
        pbx.advance(2);
        pbx.send("DialEnd", "DestChannel", phone2.name(), "DestUniqueid", phone2.uid(), "DestLinkedid",
                phone2.linkedid(), "DialStatus", "ANSWER");
        pbx.on("BridgeEnter", phone2, "BridgeUniqueid", "conf-4711");
        assertEquals(AgentState.ON_CALL, agentState("PJSIP/agent2"));
        assertEquals(List.of(caller.uid()), h.tracker.view().calls().stream().map(CallView::callId).toList());
        assertEquals(List.of(), h.of(CallTransferred.class), "a conference is not a transfer");
        pbx.advance(10);
        pbx.hangup(phone2, agent, caller);
        assertEquals(1, h.records().size());
        CallRecord r = h.records().get(0);
        assertEquals(List.of("PJSIP/agent1", "PJSIP/agent2"),
                r.segments().stream().map(CallRecord.Segment::agentInterface).toList());
        assertEquals(3, r.conference().size());
        assertEquals(AgentState.AVAILABLE, agentState("PJSIP/agent2"));
    }

    /** The desktop gateway's three-way call: both legs Redirected into a ConfBridge room, then a dial-out joins it. */
    @Test
    void gatewayConferenceIsNotATransferAndTheDialOutJoinsTheCall() {
        Chan[] c = connectedQueueCall();
        Chan caller = c[0];
        Chan agent = c[1];
        pbx.leave("b1", caller);
        pbx.leave("b1", agent);
        pbx.send("BridgeDestroy", "BridgeUniqueid", "b1");
        pbx.on("Newexten", caller, "Context", "cti-conference", "Exten", "4711", "Priority", "1", "Application", "ConfBridge");
        pbx.on("Newexten", agent, "Context", "cti-conference", "Exten", "4711", "Priority", "1", "Application", "ConfBridge");
        pbx.bridge("conf-4711", caller, agent);
        // The third party: an Originate of Local/300@from-agents into the room, a call of its own.
        Chan dialOut = pbx.channel("Local/300@from-agents-00000060;1", null, "cti-conference", "4711", "", "");
        Chan dialOut2 = pbx.channel("Local/300@from-agents-00000060;2", dialOut, "from-agents", "300", "", "");
        pbx.on("BridgeEnter", dialOut, "BridgeUniqueid", "conf-4711");

        assertEquals(List.of(), h.of(CallTransferred.class), "a conference is not a transfer");
        assertEquals(1, h.of(io.ctiserver.events.CallConferenced.class).size());
        CallView call = h.tracker.view().call(caller.uid()).orElseThrow();
        assertEquals(CallState.CONNECTED, call.state());
        assertTrue(call.parties().stream().anyMatch(p -> p.channel().equals(dialOut.name())));
        pbx.hangup(dialOut2, dialOut, agent, caller);
        assertEquals(caller.uid(), h.records().stream().filter(r -> r.queue() != null).findFirst().orElseThrow().callId());
    }

    /**
     * A Redirect from another AMI session (a supervisor's tool, not the gateway) moves the connected caller into a
     * ConfBridge room that already holds a call of its own, in Asterisk 22's order (capture 07: the Newexten first,
     * then the BridgeLeave; R3: the room's softmix bridge and ConfbridgeJoin). A transfer of kind redirect to the room;
     * the room's other call stays its own.
     */
    @Test
    void redirectOfTheCallerIntoAConfBridgeRoomIsATransferToTheRoom() {
        pbx.member("support", "PJSIP/agent2", "SIP Agent 2", "0", "1");
        // Agent 2 dialled the room 800 from the phone before: a call of its own, already in the room.
        Chan host = pbx.channel("PJSIP/agent2-00000010", null, "from-agents", "800", "agent2", "SIP Agent 2");
        pbx.on("Newexten", host, "Context", "conferences", "Exten", "800", "Priority", "1", "Application", "ConfBridge",
                "AppData", "800");
        pbx.send("BridgeCreate", "BridgeUniqueid", "room-800", "BridgeType", "base", "BridgeTechnology", "softmix",
                "BridgeCreator", "ConfBridge", "BridgeName", "800", "BridgeNumChannels", "0");
        pbx.on("BridgeEnter", host, "BridgeUniqueid", "room-800", "Context", "conferences", "Exten", "800");
        pbx.on("ConfbridgeJoin", host, "Conference", "800", "BridgeUniqueid", "room-800", "Context", "conferences",
                "Exten", "800", "Admin", "No", "Muted", "No");

        Chan[] c = connectedQueueCall();
        Chan caller = c[0];
        Chan agent = c[1];
        pbx.advance(10);
        pbx.on("Newexten", caller, "Context", "conferences", "Exten", "800", "Priority", "1",
                "Application", "ConfBridge", "AppData", "800");
        pbx.on("BridgeLeave", caller, "BridgeUniqueid", "b1", "Context", "conferences", "Exten", "800");
        pbx.on("BridgeEnter", caller, "BridgeUniqueid", "room-800", "Context", "conferences", "Exten", "800");
        pbx.on("ConfbridgeJoin", caller, "Conference", "800", "BridgeUniqueid", "room-800", "Context", "conferences",
                "Exten", "800", "Admin", "No", "Muted", "No");
        // The agent is left alone in the queue's bridge and hangs up.
        pbx.on("HangupRequest", agent, "Cause", "16");
        pbx.leave("b1", agent);
        pbx.hangup(agent);
        assertEquals(AgentState.AVAILABLE, agentState("PJSIP/agent1"));
        assertEquals(2, h.tracker.view().calls().size(), "the customer's call and the room's own call");
        pbx.advance(20);
        pbx.on("HangupRequest", caller, "Cause", "16");
        pbx.on("ConfbridgeLeave", caller, "Conference", "800", "BridgeUniqueid", "room-800");
        pbx.on("BridgeLeave", caller, "BridgeUniqueid", "room-800", "Context", "conferences", "Exten", "800");
        pbx.hangup(caller);
        // app_queue counts on until the caller hangs up, wherever the Redirect sent them.
        pbx.complete(caller, agent, "support", "PJSIP/agent1", "SIP Agent 1", 4, 30, "caller");

        assertEquals(List.of(new Transfer(Transfer.Kind.REDIRECT, "800")),
                h.of(CallTransferred.class).stream().map(CallTransferred::transfer).toList());
        assertEquals(1, h.records().size(), "the room's own call is still going");
        CallRecord r = h.records().get(0);
        assertEquals(caller.uid(), r.callId());
        assertEquals(List.of(new Transfer(Transfer.Kind.REDIRECT, "800")), r.transfers());
        assertEquals(EndedBy.TRANSFER, r.endedBy(), "app_queue's late 'caller' does not undo the Redirect");
        assertEquals("SIP Agent 1", r.agentName());
        assertEquals(1, r.segments().size());
        assertEquals(10, r.segments().get(0).talkSeconds(), "the agent's part ends at the Redirect");
        assertEquals(List.of(host.uid()), h.tracker.view().calls().stream().map(CallView::callId).toList());
    }
}
