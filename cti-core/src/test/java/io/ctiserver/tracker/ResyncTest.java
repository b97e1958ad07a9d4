package io.ctiserver.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.ami.AmiActionException;
import io.ctiserver.ami.AmiLinkState;
import io.ctiserver.ami.AmiMessage;
import io.ctiserver.ami.AmiResponse;
import io.ctiserver.ami.capture.CaptureReader;
import io.ctiserver.events.AgentState;
import io.ctiserver.events.CallAnswered;
import io.ctiserver.events.CallRecord;
import io.ctiserver.events.CallResult;
import io.ctiserver.events.CallState;
import io.ctiserver.events.CallView;
import io.ctiserver.events.EndedBy;
import io.ctiserver.events.PbxLinkChanged;
import io.ctiserver.events.StateReconciled;
import io.ctiserver.testing.Captures;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Resync after a disconnect: a capture is cut in the middle, and the snapshot Asterisk gave in capture 05 (its real
 * CoreShowChannels and QueueStatus answers) is applied. The state must converge and the lost call must end.
 */
class ResyncTest {

    private static final List<AmiMessage> CAPTURE_03 =
            CaptureReader.readAll(Captures.file("03_queue_call_abandoned.txt"), "pbx1");
    private static final List<AmiMessage> CAPTURE_05 =
            CaptureReader.readAll(Captures.file("05_status_actions_during_call.txt"), "pbx1");

    /** The answer to one action of capture 05: its Response and every event with the same ActionID. */
    static AmiResponse answer(String actionId) {
        AmiMessage response = null;
        List<AmiMessage> events = new ArrayList<>();
        for (AmiMessage m : CAPTURE_05) {
            if (!actionId.equals(m.actionId())) {
                continue;
            }
            if (m.isEvent()) {
                events.add(m);
            } else {
                response = m;
            }
        }
        return new AmiResponse(response, events);
    }

    static PbxSnapshot snapshotOf05() {
        return new PbxSnapshot(answer("cti-4"), answer("cti-5"));
    }

    private static int indexOf(List<AmiMessage> messages, String event, int nth) {
        int seen = 0;
        for (int i = 0; i < messages.size(); i++) {
            if (event.equals(messages.get(i).eventName()) && ++seen == nth) {
                return i;
            }
        }
        throw new AssertionError(event + " #" + nth + " not found");
    }

    @Test
    void lostCallEndsAndTheCallFoundInTheSnapshotAppears() {
        ReplayHarness h = new ReplayHarness();
        List<Runnable> resyncs = new ArrayList<>();
        h.tracker.onResyncNeeded(() -> resyncs.add(() -> { }));
        // Capture 03 up to the second agent ringing: a queued call, Agent 201 ringing.
        h.feed(CAPTURE_03.subList(0, indexOf(CAPTURE_03, "AgentCalled", 2) + 1));
        assertEquals(CallState.RINGING, h.tracker.view().call("1795458481.4").orElseThrow().state());
        int resyncsBefore = resyncs.size();

        h.tracker.onLinkState("pbx1", AmiLinkState.DISCONNECTED, "connection reset");
        h.tracker.onLinkState("pbx1", AmiLinkState.CONNECTED, null);
        assertEquals(resyncsBefore + 1, resyncs.size(), "a reconnect asks for a snapshot");
        h.tracker.onLinkState("pbx1", AmiLinkState.FULLY_BOOTED, null);
        assertEquals(resyncsBefore + 1, resyncs.size(), "once per connect");
        assertEquals(3, h.of(PbxLinkChanged.class).size());

        h.events.clear();
        h.tracker.applySnapshot(snapshotOf05());

        // The call of capture 03 is gone from Asterisk: it ends, lost.
        List<CallRecord> records = h.records();
        assertEquals(1, records.size());
        CallRecord lost = records.get(0);
        assertEquals("1795458481.4", lost.callId());
        assertEquals(CallResult.FAILED, lost.result());
        assertEquals(EndedBy.SYSTEM, lost.endedBy());
        assertEquals(Tracker.LOST_REASON, lost.data().get(Tracker.END_REASON_KEY));

        // The call of capture 05 exists: connected to Agent 202, found through the Local channel's device.
        List<CallView> calls = h.tracker.view().calls();
        assertEquals(1, calls.size());
        CallView found = calls.get(0);
        assertEquals("1795458499.10", found.callId());
        assertEquals(CallState.CONNECTED, found.state());
        assertEquals("Local/202@agents/n", found.agentInterface());
        assertEquals("Agent 202", found.agentName());
        assertEquals("5551003", found.callerNumber());
        assertEquals(1, h.of(CallAnswered.class).size());

        var agents = h.tracker.view().agents();
        assertEquals(AgentState.ON_CALL, agents.stream().filter(a -> a.memberName().equals("Agent 202")).findFirst().orElseThrow().state());
        assertEquals(AgentState.AVAILABLE, agents.stream().filter(a -> a.memberName().equals("Agent 201")).findFirst().orElseThrow().state(),
                "no longer ringing for the lost call");
        assertEquals(AgentState.PAUSED, agents.stream().filter(a -> a.memberName().equals("SIP Agent 1")).findFirst().orElseThrow().state());
        assertEquals(5, agents.stream().filter(a -> a.state() != AgentState.LOGGED_OUT).count());
        assertTrue(h.tracker.view().queues().stream().allMatch(q -> q.entries().isEmpty()));

        StateReconciled done = h.of(StateReconciled.class).get(0);
        assertEquals(1, done.callsEnded());
        assertEquals(1, done.callsAdded());
        assertTrue(done.membersChanged() >= 5, "members learned from QueueStatus: " + done.membersChanged());
        assertEquals("state.reconciled", h.events.get(h.events.size() - 1).type(), "differences first, then reconciled");

        // Asterisk goes on: the rest of capture 05 after the snapshot ends the found call cleanly.
        h.feed(CAPTURE_05.subList(indexOf(CAPTURE_05, "QueueStatusComplete", 1) + 1, CAPTURE_05.size()));
        CallRecord ended = h.records().get(1);
        assertEquals("1795458499.10", ended.callId());
        assertEquals(CallResult.ANSWERED, ended.result());
        assertEquals("Agent 202", ended.agentName());
        assertEquals(EndedBy.CALLER, ended.endedBy());
        assertTrue(h.tracker.channels().isEmpty() && h.tracker.calls().isEmpty() && h.tracker.bridges().isEmpty(),
                "no ghost after the resync");
    }

    @Test
    void snapshotOfTheSameStateChangesNothing() {
        ReplayHarness h = new ReplayHarness();
        h.feed(CAPTURE_05.subList(0, indexOf(CAPTURE_05, "BridgeEnter", 2) + 1));
        CallView before = h.tracker.view().calls().get(0);
        h.events.clear();
        h.tracker.applySnapshot(snapshotOf05());
        assertEquals(List.of("queue.updated", "queue.updated", "state.reconciled").size(),
                h.types().stream().filter(t -> !t.equals("agent.state")).count());
        StateReconciled done = h.of(StateReconciled.class).get(0);
        assertEquals(0, done.callsEnded());
        assertEquals(0, done.callsAdded());
        CallView after = h.tracker.view().calls().get(0);
        assertEquals(before.callId(), after.callId());
        assertEquals(before.answeredAt(), after.answeredAt());
        assertEquals(before.parties(), after.parties());
    }

    @Test
    void restartSeenInFullyBootedUptimeAsksForASnapshot() {
        ReplayHarness h = new ReplayHarness();
        int[] requests = {0};
        h.tracker.onResyncNeeded(() -> requests[0]++);
        h.tracker.onLinkState("pbx1", AmiLinkState.CONNECTED, null);
        h.feed(AmiMessage.of("Event", "FullyBooted", "Uptime", "500", "Status", "Fully Booted"));
        assertEquals(1, requests[0]);
        h.feed(AmiMessage.of("Event", "FullyBooted", "Uptime", "700", "Status", "Fully Booted"));
        assertEquals(1, requests[0], "uptime went up: same Asterisk");
        h.feed(AmiMessage.of("Event", "FullyBooted", "Uptime", "3", "Status", "Fully Booted"));
        assertEquals(2, requests[0], "uptime went down: Asterisk restarted");
    }

    @Test
    void resyncSendsTheActionsAndAppliesTheAnswersOnTheTrackerExecutor() {
        ReplayHarness h = new ReplayHarness();
        h.feed(CAPTURE_03.subList(0, indexOf(CAPTURE_03, "QueueCallerJoin", 1) + 1));
        List<String> sent = new ArrayList<>();
        List<Runnable> trackerThread = new ArrayList<>();
        Resync resync = new Resync(h.tracker, action -> {
            sent.add(action.action());
            return CompletableFuture.completedFuture(
                    action.action().equals("CoreShowChannels") ? answer("cti-4") : answer("cti-5"));
        }, trackerThread::add);
        h.tracker.onResyncNeeded(resync::start);
        h.tracker.onLinkState("pbx1", AmiLinkState.CONNECTED, null);

        assertEquals(List.of("CoreShowChannels", "QueueStatus"), sent);
        assertEquals(1, trackerThread.size(), "the snapshot is handed to the tracker's executor, not applied here");
        assertEquals(0, h.of(StateReconciled.class).size());
        trackerThread.get(0).run();
        assertEquals(1, h.of(StateReconciled.class).size());
        assertEquals("1795458499.10", h.tracker.view().calls().get(0).callId());
    }

    @Test
    void failedSnapshotIsDroppedAndTheNextRequestRunsAgain() {
        ReplayHarness h = new ReplayHarness();
        int[] sends = {0};
        Resync resync = new Resync(h.tracker, action -> {
            sends[0]++;
            return CompletableFuture.failedFuture(new AmiActionException(AmiActionException.Reason.DISCONNECTED, "down"));
        }, Runnable::run);
        resync.start();
        resync.start();
        assertEquals(4, sends[0], "two actions per attempt; a failure does not block the next");
        assertEquals(0, h.of(StateReconciled.class).size());
        assertTrue(h.tracker.view().calls().isEmpty());
    }

    private static AmiMessage coreShowChannel(String name, String uid, String linkedid, String context, String exten,
                                              String app, String bridgeId) {
        return AmiMessage.of("Event", "CoreShowChannel", "ActionID", "r1", "Channel", name, "ChannelState", "6",
                "ChannelStateDesc", "Up", "CallerIDNum", "5557000", "CallerIDName", "Waiting Caller",
                "ConnectedLineNum", "<unknown>", "ConnectedLineName", "<unknown>", "Context", context, "Exten", exten,
                "Priority", "7", "Uniqueid", uid, "Linkedid", linkedid, "Application", app, "ApplicationData", "",
                "Duration", "00:00:20", "BridgeId", bridgeId);
    }

    @Test
    void aCallerWaitingInAQueueAppearsAndAMemberGoneIsRemoved() {
        ReplayHarness h = new ReplayHarness();
        h.feed(AmiMessage.of("Event", "QueueMemberAdded", "Queue", "support", "MemberName", "Agent 209",
                "Interface", "Local/209@agents/n", "Penalty", "0", "InCall", "0", "Status", "1", "Paused", "0",
                "PausedReason", ""));
        h.events.clear();
        AmiResponse channels = new AmiResponse(AmiMessage.of("Response", "Success", "ActionID", "r1", "EventList", "start"),
                List.of(coreShowChannel("Local/5000@incoming-00000040;2", "1800000100.2", "1800000100.1", "incoming",
                                "5000", "Queue", ""),
                        coreShowChannel("Local/5000@incoming-00000040;1", "1800000100.1", "1800000100.1", "incoming",
                                "5000", "Wait", ""),
                        AmiMessage.of("Event", "CoreShowChannelsComplete", "ActionID", "r1", "EventList", "Complete",
                                "ListItems", "2")));
        AmiResponse queues = new AmiResponse(AmiMessage.of("Response", "Success", "ActionID", "r2", "EventList", "start"),
                List.of(AmiMessage.of("Event", "QueueParams", "Queue", "support", "Strategy", "rrmemory", "Calls", "1",
                                "ActionID", "r2"),
                        AmiMessage.of("Event", "QueueMember", "Queue", "support", "Name", "Agent 201",
                                "Location", "Local/201@agents/n", "StateInterface", "Local/201@agents/n", "Penalty", "0",
                                "CallsTaken", "0", "InCall", "0", "Status", "1", "Paused", "1", "PausedReason", "Lunch",
                                "Wrapuptime", "0", "ActionID", "r2"),
                        AmiMessage.of("Event", "QueueEntry", "Queue", "support", "Position", "1",
                                "Channel", "Local/5000@incoming-00000040;2", "Uniqueid", "1800000100.2",
                                "CallerIDNum", "5557000", "CallerIDName", "Waiting Caller", "Wait", "20", "Priority", "0",
                                "ActionID", "r2"),
                        AmiMessage.of("Event", "QueueStatusComplete", "ActionID", "r2", "EventList", "Complete")));
        h.tracker.applySnapshot(new PbxSnapshot(channels, queues));

        CallView waiting = h.tracker.view().call("1800000100.1").orElseThrow();
        assertEquals(CallState.QUEUED, waiting.state());
        assertEquals("support", waiting.queue());
        assertEquals("5557000", waiting.callerNumber());
        assertEquals(1, h.of(io.ctiserver.events.CallOffered.class).size(), "the screen pop of a caller found waiting");
        var support = h.tracker.view().queues().get(0);
        assertEquals(1, support.entries().size());
        assertEquals("1800000100.1", support.entries().get(0).callId());
        assertEquals(List.of("Local/201@agents/n"),
                support.members().stream().map(io.ctiserver.events.QueueMemberView::iface).toList(),
                "Agent 209 is no longer a member");
        var agents = h.tracker.view().agents();
        assertEquals(AgentState.LOGGED_OUT, agents.stream().filter(a -> a.memberName().equals("Agent 209")).findFirst().orElseThrow().state());
        var a201 = agents.stream().filter(a -> a.memberName().equals("Agent 201")).findFirst().orElseThrow();
        assertEquals(AgentState.PAUSED, a201.state());
        assertEquals("Lunch", a201.pausedReason());
        StateReconciled done = h.of(StateReconciled.class).get(0);
        assertEquals(0, done.callsEnded());
        assertEquals(1, done.callsAdded());
        assertEquals(2, done.membersChanged(), "one added, one removed");
    }

    @Test
    void callAnsweredWhileDisconnectedConverges() {
        ReplayHarness h = new ReplayHarness();
        // Capture 05 cut while Agent 202 rings; the link drops; when it is back the call is connected.
        h.feed(CAPTURE_05.subList(0, indexOf(CAPTURE_05, "AgentCalled", 1) + 1));
        assertEquals(CallState.RINGING, h.tracker.view().calls().get(0).state());
        h.tracker.onLinkState("pbx1", AmiLinkState.DISCONNECTED, null);
        h.events.clear();
        h.tracker.applySnapshot(snapshotOf05());

        CallView call = h.tracker.view().call("1795458499.10").orElseThrow();
        assertEquals(CallState.CONNECTED, call.state());
        assertEquals("Agent 202", call.agentName());
        assertEquals(1, h.of(CallAnswered.class).size());
        assertEquals(List.of(), h.records(), "nothing was lost");
        assertEquals(AgentState.ON_CALL, h.tracker.view().agents().stream()
                .filter(a -> a.memberName().equals("Agent 202")).findFirst().orElseThrow().state());
        assertTrue(h.tracker.view().queues().stream().allMatch(q -> q.entries().isEmpty()), "no longer waiting");
        assertEquals(1, h.tracker.bridges().size());

        h.feed(CAPTURE_05.subList(indexOf(CAPTURE_05, "QueueStatusComplete", 1) + 1, CAPTURE_05.size()));
        CallRecord r = h.records().get(0);
        assertEquals(CallResult.ANSWERED, r.result());
        assertEquals(1, r.talkSeconds());
        assertTrue(h.tracker.channels().isEmpty() && h.tracker.calls().isEmpty() && h.tracker.bridges().isEmpty());
    }

    @Test
    void aRefusedSnapshotChangesNothing() {
        ReplayHarness h = new ReplayHarness();
        h.feed(CAPTURE_05.subList(0, indexOf(CAPTURE_05, "BridgeEnter", 2) + 1));
        h.events.clear();
        AmiResponse refused = AmiResponse.of(AmiMessage.of("Response", "Error", "ActionID", "x",
                "Message", "Permission denied"));
        h.tracker.applySnapshot(new PbxSnapshot(refused, refused));
        assertEquals(List.of(), h.events, "no call ended for an empty, refused list");
        assertEquals(1, h.tracker.view().calls().size());
    }

    /**
     * The snapshot is applied after the events that came while Asterisk answered it. Every channel it lists hangs up
     * in between (some of them we never knew: born while the link was down): none may come back as a ghost call.
     */
    @Test
    void aChannelThatHungUpAfterTheListIsNotBroughtBack() {
        ReplayHarness h = new ReplayHarness();
        h.tracker.onResyncNeeded(() -> { });
        h.tracker.onLinkState("pbx1", AmiLinkState.DISCONNECTED, "connection reset");
        h.tracker.onLinkState("pbx1", AmiLinkState.CONNECTED, null);
        PbxSnapshot snap = snapshotOf05();
        int listed = 0;
        for (AmiMessage ch : snap.coreShowChannels().events()) {
            if ("CoreShowChannel".equals(ch.eventName())) {
                listed++;
                h.feed(AmiMessage.of("Event", "Hangup", "Channel", ch.get("Channel"), "Uniqueid", ch.get("Uniqueid"),
                        "Linkedid", ch.get("Linkedid"), "Cause", "16"));
            }
        }
        assertTrue(listed > 0);
        h.tracker.applySnapshot(snap);
        assertTrue(h.tracker.view().calls().isEmpty(), "ghost calls: " + h.tracker.view().calls());
        assertTrue(h.records().isEmpty(), "no record for calls never seen: " + h.records());
    }

    /** A call that began after Asterisk listed its channels is not in the snapshot, and must not end as lost. */
    @Test
    void aCallBornAfterTheListIsNotEndedAsLost() {
        ReplayHarness h = new ReplayHarness();
        h.tracker.onResyncNeeded(() -> { });
        h.tracker.onLinkState("pbx1", AmiLinkState.DISCONNECTED, "connection reset");
        h.tracker.onLinkState("pbx1", AmiLinkState.CONNECTED, null);
        h.feed(CAPTURE_03.subList(0, indexOf(CAPTURE_03, "AgentCalled", 2) + 1));
        h.tracker.applySnapshot(snapshotOf05());
        assertEquals(CallState.RINGING, h.tracker.view().call("1795458481.4").orElseThrow().state());
        assertTrue(h.records().stream().noneMatch(r -> r.callId().equals("1795458481.4")), h.records().toString());
    }
}
