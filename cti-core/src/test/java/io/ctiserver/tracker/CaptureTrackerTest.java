package io.ctiserver.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.ami.capture.CaptureReader;
import io.ctiserver.events.AgentState;
import io.ctiserver.events.AgentStateChanged;
import io.ctiserver.events.AgentView;
import io.ctiserver.events.CallDirection;
import io.ctiserver.events.CallOffered;
import io.ctiserver.events.CallRecord;
import io.ctiserver.events.CallResult;
import io.ctiserver.events.CallState;
import io.ctiserver.events.CallTransferred;
import io.ctiserver.events.CallView;
import io.ctiserver.events.EndedBy;
import io.ctiserver.events.MonitorKind;
import io.ctiserver.events.MonitoringStarted;
import io.ctiserver.events.MonitoringStopped;
import io.ctiserver.events.Party;
import io.ctiserver.events.QueueMemberView;
import io.ctiserver.events.QueueView;
import io.ctiserver.events.Transfer;
import io.ctiserver.testing.Captures;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** One test per real Asterisk 22 capture: the calls, agents, queues and events the tracker derives from it. */
class CaptureTrackerTest {

    private static List<String> agentStates(ReplayHarness h, String memberName) {
        return h.of(AgentStateChanged.class).stream()
                .filter(e -> memberName.equals(e.agent().memberName()))
                .map(e -> e.agent().state().wire() + (e.agent().pausedReason() == null ? "" : ":" + e.agent().pausedReason()))
                .collect(Collectors.toList());
    }

    private static AgentView agent(ReplayHarness h, String iface) {
        return h.tracker.view().agents().stream().filter(a -> a.iface().equals(iface)).findFirst().orElseThrow();
    }

    private static QueueView queue(ReplayHarness h, String name) {
        return h.tracker.view().queues().stream().filter(q -> q.name().equals(name)).findFirst().orElseThrow();
    }

    private static CallRecord onlyRecord(ReplayHarness h) {
        List<CallRecord> records = h.records();
        assertEquals(1, records.size(), "one call record");
        return records.get(0);
    }

    @Test
    void capture02_queueCallAnsweredByLocalAgent() {
        ReplayHarness h = ReplayHarness.capture("02_queue_call_answered_by_agent.txt");

        assertEquals(List.of("call.offered", "queue.updated", "call.offered", "agent.state", "queue.updated",
                "queue.updated", "call.answered", "agent.state", "agent.state", "queue.updated", "call.ended"), h.types());
        List<CallOffered> offers = h.of(CallOffered.class);
        assertNull(offers.get(0).agentInterface(), "queue entry offer has no agent");
        assertEquals(CallState.QUEUED, offers.get(0).call().state());
        assertEquals(List.of(new Party(Party.Role.CALLER, "Local/5000@incoming-00000000;2", "1795458467.1", null,
                "John Doe", "5551001")), offers.get(0).call().parties(), "the screen pop shows the caller");
        assertEquals("Local/201@agents/n", offers.get(1).agentInterface());
        assertEquals("Agent 201", offers.get(1).agentName());
        assertEquals(CallState.RINGING, offers.get(1).call().state());

        CallRecord r = onlyRecord(h);
        assertEquals("1795458467.0", r.callId());
        assertEquals("1795458467.0", r.linkedId());
        assertEquals("pbx1", r.pbx());
        assertEquals(CallDirection.INBOUND, r.direction());
        assertEquals("5551001", r.callerNumber());
        assertEquals("John Doe", r.callerName());
        assertEquals("5000", r.dialed());
        assertEquals("support", r.queue());
        assertEquals("Agent 201", r.agentName());
        assertEquals("Local/201@agents/n", r.agentInterface());
        assertEquals(CallResult.ANSWERED, r.result());
        assertEquals(2, r.waitSeconds(), "AgentConnect HoldTime");
        assertEquals(8, r.talkSeconds(), "AgentComplete TalkTime");
        assertEquals(EndedBy.AGENT, r.endedBy(), "AgentComplete Reason: agent");
        assertEquals(List.of(), r.transfers());
        assertEquals(Map.of("CTI_TEST", "1", "CTI_ROUTE", "support", "CTI_AGI_SESSION", "1"), r.data());
        assertEquals(Duration.ofSeconds(2), Duration.between(offers.get(0).call().queuedAt(), r.answeredAt()));
        assertTrue(!r.endedAt().isBefore(r.answeredAt().plusSeconds(8)));
        assertEquals("2026-11-23T18:27:47.970Z", r.startedAt().toString(),
                "logical clock: login EventTV 18:27:47.969, then 1 ms per message");

        assertEquals(List.of("ringing", "on_call", "available"), agentStates(h, "Agent 201"));
        assertEquals(AgentState.AVAILABLE, agent(h, "Local/201@agents/n").state());
        QueueView support = queue(h, "support");
        assertEquals(List.of(), support.entries());
        assertEquals(1, support.members().get(0).callsTaken());
        assertEquals(1, support.members().get(0).status());
        assertEquals(List.of(), h.tracker.view().calls());
    }

    @Test
    void capture02_partiesWhileConnected() {
        List<AmiMessage> all = CaptureReader.readAll(Captures.file("02_queue_call_answered_by_agent.txt"), "pbx1");
        ReplayHarness h = new ReplayHarness();
        for (AmiMessage m : all) {
            h.tracker.onMessage(m);
            if ("BridgeEnter".equals(m.eventName()) && m.get("Channel").endsWith("incoming-00000000;2")) {
                break;
            }
        }
        CallView call = h.tracker.view().call("1795458467.0").orElseThrow();
        assertEquals(CallState.CONNECTED, call.state());
        assertEquals(List.of(Party.Role.CALLER, Party.Role.AGENT),
                call.parties().stream().map(Party::role).collect(Collectors.toList()));
        Party agentParty = call.parties().get(1);
        assertEquals("Local/201@agents-00000001;1", agentParty.channel(), "the ;1 half in the bridge");
        assertEquals("Local/201@agents/n", agentParty.iface());
        assertEquals("Agent 201", agentParty.name());
        assertEquals("201", agentParty.number());
        AgentView a = agent(h, "Local/201@agents/n");
        assertEquals(AgentState.ON_CALL, a.state());
        assertEquals("1795458467.0", a.callId());
    }

    @Test
    void capture03_abandonedAfterRingNoAnswer() {
        ReplayHarness h = ReplayHarness.capture("03_queue_call_abandoned.txt");

        assertEquals(List.of("call.offered", "call.offered", "call.offered", "call.ended"), h.callTypes());
        List<CallOffered> offers = h.of(CallOffered.class);
        assertEquals("Agent 202", offers.get(1).agentName());
        assertEquals("Agent 201", offers.get(2).agentName());
        assertEquals(List.of("ringing", "available"), agentStates(h, "Agent 202"));
        assertEquals(List.of("ringing", "available"), agentStates(h, "Agent 201"));
        AgentStateChanged noAnswer = h.of(AgentStateChanged.class).get(1);
        assertEquals(Duration.ofSeconds(10), Duration.between(offers.get(1).time(), noAnswer.time()),
                "AgentRingNoAnswer RingTime 10000 ms moves the logical clock");

        CallRecord r = onlyRecord(h);
        assertEquals(CallResult.ABANDONED, r.result());
        assertEquals(EndedBy.CALLER, r.endedBy());
        assertEquals(14, r.waitSeconds(), "QueueCallerAbandon HoldTime");
        assertEquals(0, r.talkSeconds());
        assertNull(r.answeredAt());
        assertNull(r.agentName());
        assertNull(r.agentInterface());
        assertEquals("support", r.queue());
        assertEquals("5551002", r.callerNumber());
        assertEquals(List.of(), queue(h, "support").entries());
    }

    @Test
    void capture04_pauseAddPenaltyRemove() {
        ReplayHarness h = ReplayHarness.capture("04_queue_member_pause_add_remove.txt");

        assertEquals(List.of("paused:Lunch", "available"), agentStates(h, "Agent 201"));
        assertEquals(List.of("available", "logged_out"), agentStates(h, "Agent 205"));
        // The QueueStatus answers in the stream teach the tracker the other members.
        assertEquals(List.of("paused"), agentStates(h, "SIP Agent 1"));
        assertEquals(List.of("available"), agentStates(h, "Agent 202"));
        List<Integer> penalties205 = h.of(io.ctiserver.events.QueueUpdated.class).stream()
                .flatMap(q -> q.queue().members().stream())
                .filter(m -> m.iface().equals("Local/205@agents/n"))
                .map(QueueMemberView::penalty).distinct().collect(Collectors.toList());
        assertEquals(List.of(1, 3), penalties205, "QueueMemberAdded with penalty 1, then QueuePenalty 3");

        QueueView support = queue(h, "support");
        assertEquals("rrmemory", support.strategy());
        assertEquals(List.of("Local/201@agents/n", "PJSIP/agent1", "Local/202@agents/n"),
                support.members().stream().map(QueueMemberView::iface).collect(Collectors.toList()));
        assertEquals(AgentState.LOGGED_OUT, agent(h, "Local/205@agents/n").state());
        assertEquals(List.of(), agent(h, "Local/205@agents/n").queues());
        AgentView sip = agent(h, "PJSIP/agent1");
        assertEquals(AgentState.PAUSED, sip.state());
        assertEquals("SIP Agent 1", sip.memberName());
        assertEquals(List.of(), h.records());
    }

    @Test
    void capture05_stateDuringTheCallAndStatusAnswersIgnored() {
        List<AmiMessage> all = CaptureReader.readAll(Captures.file("05_status_actions_during_call.txt"), "pbx1");
        ReplayHarness h = new ReplayHarness();
        int i = 0;
        for (; i < all.size(); i++) {
            h.tracker.onMessage(all.get(i));
            if ("cti-9".equals(all.get(i).actionId())) {
                break;
            }
        }
        List<CallView> live = h.tracker.view().calls();
        assertEquals(1, live.size(), "Status and CoreShowChannel answers do not create calls");
        CallView call = live.get(0);
        assertEquals("1795458499.10", call.callId());
        assertEquals(CallState.CONNECTED, call.state());
        assertEquals("Agent 202", call.agentName());
        assertEquals("5551003", call.callerNumber());
        assertEquals(AgentState.ON_CALL, agent(h, "Local/202@agents/n").state());
        assertEquals("1795458499.10", agent(h, "Local/202@agents/n").callId());
        assertEquals(AgentState.PAUSED, agent(h, "PJSIP/agent1").state(), "from the QueueStatus answer");
        assertEquals(AgentState.AVAILABLE, agent(h, "Local/203@agents/n").state());
        assertEquals("ringall", queue(h, "sales").strategy());
        assertEquals(1, h.tracker.bridges().size(), "one bridge");

        h.feed(all.subList(i + 1, all.size()));
        CallRecord r = onlyRecord(h);
        assertEquals(CallResult.ANSWERED, r.result());
        assertEquals(EndedBy.CALLER, r.endedBy(), "the Hangup action hit the caller's channel");
        assertEquals(1, r.talkSeconds());
        assertEquals("Local/202@agents/n", r.agentInterface());
        assertEquals(AgentState.AVAILABLE, agent(h, "Local/202@agents/n").state());
    }

    @Test
    void capture06_blindTransfer() {
        ReplayHarness h = ReplayHarness.capture("06_blind_transfer_by_agent.txt");

        assertEquals(List.of("call.offered", "call.offered", "call.answered", "call.transferred", "call.ended"),
                h.callTypes());
        CallTransferred t = h.of(CallTransferred.class).get(0);
        assertEquals(new Transfer(Transfer.Kind.BLIND, "300"), t.transfer());
        assertEquals("1795458505.14", t.call().callId(), "the call keeps its id");
        CallRecord r = onlyRecord(h);
        assertEquals(List.of(new Transfer(Transfer.Kind.BLIND, "300")), r.transfers());
        assertEquals(EndedBy.TRANSFER, r.endedBy());
        assertEquals(CallResult.ANSWERED, r.result());
        assertEquals("Agent 201", r.agentName());
        assertEquals(2, r.talkSeconds());
        assertEquals(List.of("ringing", "on_call", "available"), agentStates(h, "Agent 201"));
    }

    @Test
    void capture08_attendedTransferWithAtxfer() {
        ReplayHarness h = ReplayHarness.capture("08_attended_transfer_by_agent.txt");

        assertEquals(List.of("call.offered", "call.offered", "call.answered", "call.held", "call.retrieved",
                "call.transferred", "call.ended"), h.callTypes());
        CallTransferred t = h.of(CallTransferred.class).get(0);
        assertEquals(new Transfer(Transfer.Kind.ATTENDED, "3"), t.transfer());
        Party target = t.call().parties().stream().filter(p -> p.role() == Party.Role.TRANSFER_TARGET)
                .findFirst().orElseThrow();
        assertEquals("Local/3@transfer-targets-0000000d;1", target.channel());
        CallRecord r = onlyRecord(h);
        assertEquals("1795458551.22", r.callId());
        assertEquals(List.of(new Transfer(Transfer.Kind.ATTENDED, "3")), r.transfers());
        assertEquals(EndedBy.TRANSFER, r.endedBy());
        assertEquals(15, r.talkSeconds());
    }

    @Test
    void capture08_consultationLegIsTheTransferTargetBeforeTheTransferCompletes() {
        List<AmiMessage> all = CaptureReader.readAll(Captures.file("08_attended_transfer_by_agent.txt"), "pbx1");
        ReplayHarness h = new ReplayHarness();
        for (AmiMessage m : all) {
            if ("AttendedTransfer".equals(m.eventName())) {
                break;
            }
            h.tracker.onMessage(m);
        }
        CallView consulting = h.tracker.view().call("1795458551.22").orElseThrow();
        Party target = consulting.parties().stream().filter(p -> p.role() == Party.Role.TRANSFER_TARGET)
                .findFirst().orElseThrow();
        assertEquals("Local/3@transfer-targets-0000000d;1", target.channel(), "what a desktop hangs up to cancel");
        assertEquals("3", target.number());
        assertEquals(List.of(), h.of(CallTransferred.class), "not transferred yet");
    }

    @Test
    void capture09_realSipCallAnsweredBySipAgent() {
        ReplayHarness h = ReplayHarness.capture("09_sip_call_sipp_uac_to_queue_answered_by_sipp_agent.txt");

        assertEquals(List.of("call.offered", "call.offered", "call.answered", "call.ended"), h.callTypes());
        assertEquals(List.of("available", "ringing", "on_call", "available"), agentStates(h, "SIP Agent 1"));
        assertEquals(List.of("paused:sip-test"), agentStates(h, "Agent 201"));
        CallRecord r = onlyRecord(h);
        assertEquals("1795458592.34", r.callId());
        assertEquals("5551009", r.callerNumber());
        assertEquals("SIP Agent 1", r.agentName());
        assertEquals("PJSIP/agent1", r.agentInterface());
        assertEquals(CallResult.ANSWERED, r.result());
        assertEquals(EndedBy.CALLER, r.endedBy());
        assertEquals(2, r.waitSeconds());
        assertEquals(9, r.talkSeconds());
        assertEquals(CallDirection.INBOUND, r.direction());
        assertEquals(AgentState.PAUSED, agent(h, "Local/202@agents/n").state());
        assertEquals("sip-test", agent(h, "Local/202@agents/n").pausedReason());
    }

    @Test
    void capture12_recordingAndSupervisorSpy() {
        List<AmiMessage> all = CaptureReader.readAll(Captures.file("12_mixmonitor_and_chanspy_during_call.txt"), "pbx1");
        ReplayHarness h = new ReplayHarness();
        for (AmiMessage m : all) {
            h.tracker.onMessage(m);
            if ("ChanSpyStart".equals(m.eventName())) {
                CallView during = h.tracker.view().call("1795458626.44").orElseThrow();
                assertTrue(during.recording());
                Party supervisor = during.parties().stream().filter(p -> p.role() == Party.Role.SUPERVISOR)
                        .findFirst().orElseThrow();
                assertEquals("Local/900@simple-00000015;1", supervisor.channel());
                assertEquals("900", supervisor.number());
                assertEquals(List.of("1795458626.44"),
                        h.tracker.view().calls().stream().map(CallView::callId).collect(Collectors.toList()),
                        "the supervisor's leg is not listed as a call");
            }
        }

        assertEquals(List.of("call.offered", "call.offered", "call.answered", "monitoring.started",
                "monitoring.started", "monitoring.stopped", "monitoring.stopped", "call.ended"), h.callTypes());
        List<MonitoringStarted> started = h.of(MonitoringStarted.class);
        assertEquals(MonitorKind.RECORDING, started.get(0).kind());
        assertNull(started.get(0).by());
        assertEquals(MonitorKind.LISTEN, started.get(1).kind(), "ChanSpy options qs: quiet listen");
        assertEquals("Local/900@simple-00000015;1", started.get(1).by());
        List<MonitoringStopped> stopped = h.of(MonitoringStopped.class);
        assertEquals(MonitorKind.RECORDING, stopped.get(0).kind());
        assertEquals(MonitorKind.LISTEN, stopped.get(1).kind());
        assertTrue(started.stream().allMatch(e -> e.callId().equals("1795458626.44")));
        CallRecord r = onlyRecord(h);
        assertEquals("1795458626.44", r.callId(), "the supervisor's own leg leaves no record");
        assertEquals(EndedBy.CALLER, r.endedBy());
    }
}
