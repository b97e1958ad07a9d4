package io.ctiserver.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ctiserver.events.AgentState;
import io.ctiserver.events.AgentStateChanged;
import io.ctiserver.events.AgentView;
import io.ctiserver.events.Json;
import io.ctiserver.kpi.KpiEngine;
import io.ctiserver.kpi.KpiSettings;
import io.ctiserver.kpi.KpiSnapshot;
import io.ctiserver.tracker.SyntheticPbx.Chan;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The server's wrap-up is a queue pause with the wrap-up reason: the tracker reports it as WRAP_UP (the desktop's
 * timer, the KPIs' wrap-up time), a pause with any other reason as PAUSED, and Asterisk's own wrapuptime as before.
 */
class WrapUpPauseTest {

    private static final String IFACE = "PJSIP/agent1";

    private static void pause(SyntheticPbx pbx, String queue, boolean paused, String reason) {
        pbx.send("QueueMemberPause", "Queue", queue, "MemberName", "SIP Agent 1", "Interface", IFACE,
                "StateInterface", IFACE, "Membership", "static", "Penalty", "0", "CallsTaken", "1", "LastCall", "0",
                "InCall", "0", "Status", "1", "Paused", paused ? "1" : "0", "PausedReason", paused ? reason : "",
                "Wrapuptime", "0");
    }

    /** A call on support answered by agent1 (a member of support and sales) for 60 s, then ended by the caller. */
    private static void answeredQueueCall(SyntheticPbx pbx) {
        Chan caller = pbx.channel("PJSIP/trunk-00000001", null, "incoming", "5000", "5553000", "Caller");
        pbx.join(caller, "support", 1);
        Chan agent = pbx.channel("PJSIP/agent1-00000002", caller, "from-agents", "s", "agent1", "SIP Agent 1");
        pbx.agentCalled(caller, agent, "support", IFACE, "SIP Agent 1");
        pbx.advance(4);
        pbx.connect(caller, agent, "support", IFACE, "SIP Agent 1", 4);
        pbx.bridge("b1", agent, caller);
        pbx.advance(60);
        pbx.complete(caller, agent, "support", IFACE, "SIP Agent 1", 4, 60, "caller");
        pbx.leave("b1", caller);
        pbx.leave("b1", agent);
        pbx.send("BridgeDestroy", "BridgeUniqueid", "b1");
        pbx.hangup(caller, agent);
    }

    private static ReplayHarness run(TrackerOptions options, Consumer<SyntheticPbx> script) {
        ReplayHarness h = new ReplayHarness(new Tracker("pbx1", options));
        SyntheticPbx pbx = new SyntheticPbx(h);
        pbx.member("support", IFACE, "SIP Agent 1", "0", "1");
        pbx.member("sales", IFACE, "SIP Agent 1", "0", "1");
        script.accept(pbx);
        return h;
    }

    private static List<String> states(ReplayHarness h) {
        return h.of(AgentStateChanged.class).stream()
                .map(e -> e.agent().state().wire() + (e.agent().pausedReason() == null ? "" : ":" + e.agent().pausedReason()))
                .collect(Collectors.toList());
    }

    private static AgentView agent(ReplayHarness h) {
        return h.tracker.view().agents().stream().filter(a -> a.iface().equals(IFACE)).findFirst().orElseThrow();
    }

    @Test
    void aPauseWithTheWrapUpReasonInEveryQueueIsWrapUpAndTheUnpauseMakesTheAgentAvailable() {
        ReplayHarness h = run(TrackerOptions.defaults(), pbx -> {
            answeredQueueCall(pbx);
            pause(pbx, "support", true, "wrap-up");
            pause(pbx, "sales", true, "wrap-up");
            pbx.advance(20);
            pause(pbx, "support", false, null);
            pause(pbx, "sales", false, null);
        });
        assertEquals(List.of("available", "available", "ringing", "on_call", "available", "wrap_up:wrap-up",
                "available"), states(h), "paused in support alone leaves the agent reachable through sales: available");
        assertEquals(AgentState.AVAILABLE, agent(h).state());
        assertNull(agent(h).pausedReason());
    }

    @Test
    void anyOtherReasonIsABreakAndABreakTakenDuringTheWrapUpWins() {
        ReplayHarness h = run(TrackerOptions.defaults(), pbx -> {
            pause(pbx, "support", true, "wrap-up");
            pause(pbx, "sales", true, "wrap-up");
            pause(pbx, "sales", true, "Lunch");
            pause(pbx, "support", true, "Lunch");
            pause(pbx, "support", true, "");
        });
        assertEquals(List.of("available", "available", "wrap_up:wrap-up", "paused:Lunch", "paused"), states(h),
                "the wrap-up in one queue and Lunch in the other is a break; a pause without a reason too");
        assertEquals(AgentState.PAUSED, agent(h).state());
    }

    @Test
    void theReasonComesFromTheOptions() {
        TrackerOptions acw = TrackerOptions.defaults().withWrapUpReason("ACW");
        ReplayHarness h = run(acw, pbx -> {
            pause(pbx, "support", true, "wrap-up");
            pause(pbx, "sales", true, "wrap-up");
            pause(pbx, "support", true, "ACW");
            pause(pbx, "sales", true, "ACW");
        });
        assertEquals(List.of("available", "available", "paused:wrap-up", "wrap_up:ACW"), states(h));
    }

    @Test
    void asterisksOwnWrapuptimeIsStillWrapUpWithoutAReason() {
        ReplayHarness h = new ReplayHarness();
        SyntheticPbx pbx = new SyntheticPbx(h);
        pbx.send("QueueMemberStatus", "Queue", "support", "MemberName", "SIP Agent 1", "Interface", IFACE,
                "StateInterface", IFACE, "Membership", "static", "Penalty", "0", "CallsTaken", "0", "LastCall", "0",
                "InCall", "0", "Status", "1", "Paused", "0", "PausedReason", "", "Wrapuptime", "15");
        answeredQueueCall(pbx);
        assertEquals(AgentState.WRAP_UP, agent(h).state());
        assertNull(agent(h).pausedReason(), "AMI cannot end app_queue's wrapuptime: no reason to unpause");
        h.tracker.tick(pbx.now + 16_000);
        assertEquals(AgentState.AVAILABLE, agent(h).state());
    }

    @Test
    void theSameMessagesGiveTheSameStates() {
        Consumer<SyntheticPbx> script = pbx -> {
            answeredQueueCall(pbx);
            pause(pbx, "support", true, "wrap-up");
            pause(pbx, "sales", true, "wrap-up");
            pbx.advance(5);
            pause(pbx, "sales", true, "Break");
            pause(pbx, "support", false, null);
            pause(pbx, "sales", false, null);
        };
        List<String> first = run(TrackerOptions.defaults(), script).events.stream().map(e -> Json.eventNode(e).toString()).toList();
        List<String> second = run(TrackerOptions.defaults(), script).events.stream().map(e -> Json.eventNode(e).toString()).toList();
        assertEquals(first, second);
    }

    @Test
    void theKpisCountThePauseAsWrapUpTimeInHandleTimeAndOccupancy() {
        KpiEngine kpis = new KpiEngine(KpiSettings.defaults());
        ReplayHarness h = new ReplayHarness(new Tracker("pbx1"));
        h.tracker.addListener(kpis);
        SyntheticPbx pbx = new SyntheticPbx(h);
        pbx.member("support", IFACE, "SIP Agent 1", "0", "1");
        pbx.member("sales", IFACE, "SIP Agent 1", "0", "1");
        answeredQueueCall(pbx);
        pause(pbx, "support", true, "wrap-up");
        pause(pbx, "sales", true, "wrap-up");
        pbx.advance(30);
        pause(pbx, "support", false, null);
        pause(pbx, "sales", false, null);
        long end = pbx.now;
        KpiSnapshot s = kpis.tick(Instant.ofEpochMilli(end));
        KpiSnapshot.AgentKpis a = s.agent(IFACE).orElseThrow();
        assertEquals(30, a.window().wrapUpSeconds(), "the 30 s paused with the wrap-up reason");
        assertEquals(0, a.window().pausedSeconds(), "not a break");
        assertEquals(90.0, s.window().ahtSeconds(), 1.0, "talk 60 + wrap-up 30");
        assertEquals(30.0, s.window().avgWrapUpSeconds(), 1.0);
        assertEquals(90.0, s.queue("support").orElseThrow().window().ahtSeconds(), 1.0,
                "the wrap-up counts for the queue of the call");
    }
}
