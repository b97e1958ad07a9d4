package io.ctiserver.kpi;

import static io.ctiserver.kpi.Events.A1;
import static io.ctiserver.kpi.Events.A2;
import static io.ctiserver.kpi.Events.abandoned;
import static io.ctiserver.kpi.Events.agent;
import static io.ctiserver.kpi.Events.answered;
import static io.ctiserver.kpi.Events.at;
import static io.ctiserver.kpi.Events.callAnswered;
import static io.ctiserver.kpi.Events.ended;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.events.AgentState;
import io.ctiserver.events.CallEnded;
import io.ctiserver.events.CallResult;
import io.ctiserver.events.CtiEvent;
import io.ctiserver.events.Json;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every formula of {@link KpiEngine} on hand-built event sequences. */
class KpiEngineTest {

    private static final double EPS = 1e-9;

    private static KpiEngine feed(KpiSettings settings, CtiEvent... events) {
        KpiEngine engine = new KpiEngine(settings);
        for (CtiEvent e : events) {
            engine.onEvent(e);
        }
        return engine;
    }

    /** Two answered (10 s, 30 s wait), a short abandon (3 s), abandons at 15 s and 25 s, a timeout, a lost call. */
    private static CtiEvent[] mix() {
        return new CtiEvent[] {
            answered(100, "c1", "support", 10, 100, A1),
            answered(200, "c2", "support", 30, 200, A2),
            abandoned(210, "c3", "support", 3),
            abandoned(220, "c4", "support", 25),
            abandoned(230, "c5", "sales", 15),
            ended(240, "c6", "sales", "5559", CallResult.UNANSWERED, 120, 0, null),
            ended(250, "c7", "sales", "5558", CallResult.FAILED, 4, 0, null),
        };
    }

    @Test
    void countsCallsByOutcomeWithShortAbandonsLeftOut() {
        KpiFigures w = feed(KpiSettings.defaults(), mix()).refresh().window();
        assertEquals(6, w.offered(), "answered 2 + abandoned 2 + unanswered 1 + other 1");
        assertEquals(2, w.answered());
        assertEquals(2, w.abandoned());
        assertEquals(1, w.shortAbandoned());
        assertEquals(1, w.unanswered());
        assertEquals(1, w.other());
        assertEquals(1, w.answeredWithinThreshold());
        assertEquals(1, w.abandonedAfterThreshold());
        assertEquals(20.0, w.asaSeconds(), EPS, "(10 + 30) / 2");
        assertEquals(30, w.maxWaitAnsweredSeconds());
        assertEquals(20.0, w.avgAbandonWaitSeconds(), EPS, "(25 + 15) / 2");
        assertEquals(100.0 * 2 / 6, w.abandonRatePercent(), EPS);
        assertEquals(150.0, w.ahtSeconds(), EPS, "(100 + 200) / 2, no wrap-up");
        assertEquals(100.0 / 3, w.serviceLevelPercent(), EPS, "1 within T / (2 answered + 1 abandoned after T)");
    }

    @Test
    void erlangCStaffingPerQueueOverTheWindow() {
        // 20 answered calls of 90 s talk in the 30-minute window, 3 of 4 members staffed (one paused)
        List<CtiEvent> events = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            events.add(answered(60 + i * 60, "s" + i, "support", 5, 90, A1));
        }
        events.add(new io.ctiserver.events.QueueUpdated(Events.PBX, at(1300), new io.ctiserver.events.QueueView(
                Events.PBX, "support", "rrmemory", List.of(), List.of(
                        new io.ctiserver.events.QueueMemberView("PJSIP/a", "A", 0, false, null, 1, false, 0),
                        new io.ctiserver.events.QueueMemberView("PJSIP/b", "B", 0, false, null, 2, true, 0),
                        new io.ctiserver.events.QueueMemberView("PJSIP/c", "C", 0, true, "lunch", 1, false, 0),
                        new io.ctiserver.events.QueueMemberView("PJSIP/d", "D", 0, false, null, 1, false, 0)))));
        Staffing s = feed(KpiSettings.defaults(), events.toArray(CtiEvent[]::new)).refresh().queue("support")
                .orElseThrow().staffing();
        assertEquals(40.0, s.callsPerHour(), EPS, "20 calls in 30 minutes");
        assertEquals(90.0, s.ahtSeconds(), EPS);
        assertEquals(1.0, s.erlangs(), EPS);
        assertEquals(3, s.agentsStaffed());
        assertEquals(ErlangC.agentsNeeded(20 / 1800.0, 90, 20, 80), s.agentsNeeded());
        assertEquals(100 * ErlangC.serviceLevel(3, 1.0, 90, 20), s.expectedServiceLevelPercent(), EPS);
        assertEquals(ErlangC.asaSeconds(3, 1.0, 90), s.expectedAsaSeconds(), EPS);
        assertNull(feed(KpiSettings.defaults(), mix()).refresh().queue("sales").orElseThrow().staffing(),
                "no answered call in sales: no AHT to plan with");
    }

    @Test
    void serviceLevelFormulasAreConfigurable() {
        KpiSettings d = KpiSettings.defaults();
        assertEquals(100.0 / 6, feed(d.withServiceLevel(20, ServiceLevelFormula.OFFERED), mix()).refresh()
                .window().serviceLevelPercent(), EPS);
        assertEquals(50.0, feed(d.withServiceLevel(20, ServiceLevelFormula.ANSWERED), mix()).refresh()
                .window().serviceLevelPercent(), EPS);
        // T = 30: both answered within; the 25 s abandon is no longer after T.
        assertEquals(100.0, feed(d.withServiceLevel(30, ServiceLevelFormula.ANSWERED_AND_ABANDONED_AFTER_T),
                mix()).refresh().window().serviceLevelPercent(), EPS);
    }

    @Test
    void thresholdsAreInclusiveAtTheirEdges() {
        KpiFigures w = feed(KpiSettings.defaults(),
                answered(10, "a", "q", 20, 5, A1),   // exactly T: within
                abandoned(20, "b", "q", 5),          // exactly the short-abandon threshold: a real abandon
                abandoned(30, "c", "q", 4)).refresh().window();
        assertEquals(1, w.answeredWithinThreshold());
        assertEquals(1, w.abandoned());
        assertEquals(1, w.shortAbandoned());
        assertEquals(0, w.abandonedAfterThreshold());
        assertEquals(100.0, w.serviceLevelPercent(), EPS);
    }

    @Test
    void perQueueFiguresAddUpToTheTotal() {
        KpiSnapshot s = feed(KpiSettings.defaults(), mix()).refresh();
        KpiFigures support = s.queue("support").orElseThrow().window();
        KpiFigures sales = s.queue("sales").orElseThrow().window();
        assertEquals(3, support.offered());
        assertEquals(3, sales.offered());
        assertEquals(1, sales.abandoned());
        assertEquals(1, support.shortAbandoned());
        assertEquals(s.window().offered(), support.offered() + sales.offered());
        assertNull(sales.asaSeconds(), "no answered call: undefined, not 0");
        assertNull(support.occupancyPercent(), "occupancy is per agent and in total only");
    }

    @Test
    void emptyEngineHasZeroCountsAndNullRatios() {
        KpiSnapshot s = new KpiEngine().snapshot();
        assertEquals(0, s.window().offered());
        assertNull(s.window().serviceLevelPercent());
        assertNull(s.window().abandonRatePercent());
        assertTrue(s.queues().isEmpty());
    }

    @Test
    void callsLeaveTheSlidingWindowBucketByBucketButStayInToday() {
        KpiSettings s = KpiSettings.defaults().withWindow(Duration.ofMinutes(30), Duration.ofMinutes(1));
        KpiEngine engine = feed(s, answered(30, "c1", "q", 10, 20, A1), answered(90, "c2", "q", 10, 20, A1));
        assertEquals(2, engine.refresh().window().answered());
        // The window is the current minute and the 29 before it. Minute 0 (c1) is in it until minute 30 starts.
        assertEquals(2, engine.tick(at(29 * 60 + 59)).window().answered());
        KpiSnapshot later = engine.tick(at(30 * 60));
        assertEquals(1, later.window().answered(), "c1's bucket expired");
        assertEquals(2, later.today().answered(), "today still has both");
        assertEquals(0, engine.tick(at(31 * 60)).window().answered());
        assertEquals(2, engine.snapshot().today().answered());
        // A quiet hour later the reused buckets start empty.
        engine.onEvent(answered(2 * 3600, "c3", "q", 4, 20, A1));
        assertEquals(1, engine.refresh().window().answered());
        assertEquals(4.0, engine.snapshot().window().asaSeconds(), EPS);
    }

    @Test
    void todayStartsAtMidnightInTheConfiguredZone() {
        ZoneId paris = ZoneId.of("Europe/Paris");
        KpiSettings s = KpiSettings.defaults().withZone(paris);
        // T0 is 11:00 in Paris; 46 799 s later is 23:59:59 Paris, then midnight.
        KpiEngine engine = feed(s, answered(46_790, "late", "q", 10, 20, A1));
        assertEquals(1, engine.refresh().today().answered());
        KpiSnapshot afterMidnight = engine.tick(at(46_801));
        assertEquals("2026-11-24", afterMidnight.day().toString());
        assertEquals(0, afterMidnight.today().answered(), "a new day");
        assertEquals(1, afterMidnight.window().answered(), "the window does not care about midnight");
        assertEquals("Europe/Paris", afterMidnight.timeZone());
    }

    @Test
    void handleTimeAddsWrapUpAndOccupancyLeavesPausedTimeOut() {
        KpiEngine engine = feed(KpiSettings.defaults(),
                agent(0, A1, AgentState.AVAILABLE, AgentState.LOGGED_OUT),
                agent(10, A1, AgentState.RINGING, AgentState.AVAILABLE),
                callAnswered(15, "c1", "support", A1),
                agent(15, A1, AgentState.ON_CALL, AgentState.RINGING),
                agent(115, A1, AgentState.WRAP_UP, AgentState.ON_CALL),
                answered(115, "c1", "support", 12, 100, A1),
                agent(145, A1, AgentState.AVAILABLE, AgentState.WRAP_UP),
                agent(200, A1, AgentState.PAUSED, AgentState.AVAILABLE),
                agent(260, A1, AgentState.AVAILABLE, AgentState.PAUSED));
        KpiSnapshot s = engine.tick(at(270));
        // on call 100, wrap-up 30, available 10 + 55 + 10, ringing 5, paused 60 (left out)
        assertEquals(130.0, s.window().ahtSeconds(), EPS, "talk 100 + wrap-up 30");
        assertEquals(30.0, s.window().avgWrapUpSeconds(), EPS);
        assertEquals(100.0 * 130 / (130 + 75 + 5), s.window().occupancyPercent(), EPS);
        assertEquals(130.0, s.queue("support").orElseThrow().window().ahtSeconds(), EPS,
                "wrap-up counts for the queue of the agent's call");
        KpiSnapshot.AgentKpis a = s.agent(A1).orElseThrow();
        assertEquals(AgentState.AVAILABLE, a.state());
        assertEquals("Agent 201", a.name());
        assertEquals(1, a.window().handled());
        assertEquals(130.0, a.window().ahtSeconds(), EPS);
        assertEquals(60, a.window().pausedSeconds());
        assertEquals(100, a.window().onCallSeconds());
        assertEquals(270, a.window().loggedInSeconds());
        assertEquals(a.window().occupancyPercent(), s.window().occupancyPercent(), EPS, "one agent: same figure");
    }

    @Test
    void anAgentsOngoingStateAccruesOnlyInsideTheWindow() {
        KpiSettings s = KpiSettings.defaults().withWindow(Duration.ofMinutes(30), Duration.ofMinutes(1));
        KpiEngine engine = feed(s, agent(0, A1, AgentState.ON_CALL, AgentState.AVAILABLE));
        KpiSnapshot snap = engine.tick(at(40 * 60 + 30));
        AgentFigures w = snap.agent(A1).orElseThrow().window();
        assertEquals(29 * 60 + 30, w.onCallSeconds(), "minutes 11..40 of a 40.5-minute call");
        assertEquals(40 * 60 + 30, snap.agent(A1).orElseThrow().today().onCallSeconds());
        assertEquals(100.0, w.occupancyPercent(), EPS);
    }

    @Test
    void holdTimeIsMeasuredFromHeldToRetrieved() {
        KpiFigures w = feed(KpiSettings.defaults(),
                callAnswered(0, "c1", "support", A1),
                Events.held(10, "c1"), Events.retrieved(30, "c1"),
                Events.held(40, "c1"), Events.retrieved(45, "c1"),
                answered(60, "c1", "support", 5, 60, A1)).refresh().window();
        assertEquals(25.0, w.avgHoldSeconds(), EPS);
        assertEquals(60.0, w.avgTalkSeconds(), EPS, "talk already contains hold");
    }

    @Test
    void firstCallResolutionFromDispositionsAndLaterOnesReplaceEarlierOnes() {
        KpiEngine engine = feed(KpiSettings.defaults(),
                answered(10, "c1", "support", 5, 30, A1),
                answered(20, "c2", "sales", 5, 30, A2));
        engine.recordDisposition("c1", true);
        engine.recordDisposition("c2", false);
        KpiSnapshot s = engine.refresh();
        assertEquals(2, s.window().dispositions());
        assertEquals(50.0, s.window().fcrPercent(), EPS);
        assertEquals(0.0, s.queue("sales").orElseThrow().window().fcrPercent(), EPS);
        assertEquals(100.0, s.agent(A1).orElseThrow().window().fcrPercent(), EPS);
        engine.recordDisposition("c2", true);
        s = engine.refresh();
        assertEquals(2, s.window().dispositions(), "replaced, not added");
        assertEquals(100.0, s.window().fcrPercent(), EPS);
        assertEquals(100.0, s.queue("sales").orElseThrow().today().fcrPercent(), EPS);
        engine.recordDisposition("unknown-call", false);
        assertEquals(3, engine.refresh().window().dispositions(), "an unknown call still counts in the total");
    }

    @Test
    void aDispositionDuringTheCallCountsForItsQueueAndAgent() {
        KpiEngine engine = feed(KpiSettings.defaults(), callAnswered(10, "c1", "sales", A2));
        engine.recordDisposition("c1", true);
        KpiSnapshot s = engine.refresh();
        assertEquals(1, s.queue("sales").orElseThrow().window().dispositions());
        assertEquals(1, s.agent(A2).orElseThrow().window().dispositions());
    }

    @Test
    void aCallEndingOnHoldCountsItsHoldUntilTheEnd() {
        KpiFigures w = feed(KpiSettings.defaults(),
                callAnswered(0, "c1", "support", A1),
                Events.held(50, "c1"),
                answered(62, "c1", "support", 5, 62, A1)).refresh().window();
        assertEquals(12.0, w.avgHoldSeconds(), EPS);
    }

    @Test
    void aCallerCallingBackWithinTheRepeatWindowMakesTheEarlierCallUnresolved() {
        KpiSettings s = KpiSettings.defaults().withWindow(Duration.ofHours(24), Duration.ofMinutes(60))
                .withRepeatCallWindow(Duration.ofHours(4));
        KpiEngine engine = feed(s,
                ended(100, "c1", "support", "5551000", CallResult.ANSWERED, 5, 60, A1),
                ended(200, "c2", "support", "5552000", CallResult.ANSWERED, 5, 60, A2),
                // 5551000 calls again 2 h later (abandons): c1 was not resolved.
                ended(7300, "c3", "support", "5551000", CallResult.ABANDONED, 30, 0, null),
                // 5552000 calls again after 5 h: outside the repeat window.
                ended(18_300, "c4", "support", "5552000", CallResult.ANSWERED, 5, 60, A2));
        KpiSnapshot snap = engine.refresh();
        assertEquals(1, snap.window().repeatCalls());
        assertEquals(100.0 * 2 / 3, snap.window().fcrRepeatPercent(), EPS, "3 answered, 1 repeated");
        assertEquals(1, snap.agent(A1).orElseThrow().window().repeatCalls(), "charged to the first call's agent");
        assertEquals(0, snap.agent(A2).orElseThrow().window().repeatCalls());
        // A third call does not count c1 twice.
        engine.onEvent(ended(7400, "c5", "support", "5551000", CallResult.ANSWERED, 5, 60, A2));
        assertEquals(1, engine.refresh().window().repeatCalls());
    }

    @Test
    void anAnsweredCallRememberedFromStorageCountsWhenItsCallerCallsBackAfterARestart() {
        KpiSettings s = KpiSettings.defaults().withWindow(Duration.ofHours(24), Duration.ofMinutes(60))
                .withRepeatCallWindow(Duration.ofHours(4));
        CallEnded before = ended(100, "c1", "support", "5551000", CallResult.ANSWERED, 5, 60, A1);
        CallEnded callback = ended(7300, "c3", "support", "5551000", CallResult.ABANDONED, 30, 0, null);

        KpiEngine forgetful = feed(s, callback);
        assertEquals(0, forgetful.refresh().window().repeatCalls(), "without the stored call, nothing to repeat");

        KpiEngine restarted = new KpiEngine(s);
        restarted.rememberAnsweredCall(before.record());
        restarted.onEvent(callback);
        KpiSnapshot snap = restarted.refresh();
        assertEquals(1, snap.window().repeatCalls(), "the stored call was not resolved: its caller called back");
        assertEquals(1, snap.agent(A1).orElseThrow().window().repeatCalls(), "charged to the stored call's agent");
        // an unanswered stored call is not remembered
        KpiEngine other = new KpiEngine(s);
        other.rememberAnsweredCall(callback.record());
        other.onEvent(ended(7400, "c5", "support", "5551000", CallResult.ANSWERED, 5, 60, A2));
        assertEquals(0, other.refresh().window().repeatCalls());
    }

    @Test
    void csatIsTheShareOfFoursAndFives() {
        KpiEngine engine = feed(KpiSettings.defaults(), answered(10, "c1", "support", 5, 30, A1));
        engine.recordSurvey("c1", null, 5);
        engine.recordSurvey("c1", null, 4);
        engine.recordSurvey("other", A2, 2);
        KpiSnapshot s = engine.refresh();
        assertEquals(3, s.window().surveys());
        assertEquals(100.0 * 2 / 3, s.window().csatPercent(), EPS);
        assertEquals(11.0 / 3, s.window().avgSurveyScore(), EPS);
        assertEquals(100.0, s.agent(A1).orElseThrow().window().csatPercent(), EPS);
        assertEquals(0.0, s.agent(A2).orElseThrow().window().csatPercent(), EPS, "agent from the argument");
        assertEquals(100.0, s.queue("support").orElseThrow().window().csatPercent(), EPS);
        assertThrows(IllegalArgumentException.class, () -> engine.recordSurvey("c1", null, 6));
        assertEquals(3, engine.refresh().window().surveys(), "a refused score counts nowhere");
    }

    @Test
    void waitingCallsAndLongestWaitAreLive() {
        KpiEngine engine = feed(KpiSettings.defaults(),
                Events.queue(100, "support", 70, 90),
                Events.queue(100, "sales", 95));
        KpiSnapshot s = engine.tick(at(100));
        assertEquals(3, s.waitingCalls());
        assertEquals(30, s.longestWaitSeconds());
        assertEquals(2, s.queue("support").orElseThrow().waitingCalls());
        assertEquals(30, s.queue("support").orElseThrow().longestWaitSeconds());
        assertEquals(5, s.queue("sales").orElseThrow().longestWaitSeconds());
        assertEquals(40, engine.tick(at(110)).longestWaitSeconds(), "the wait grows with time");
        engine.onEvent(Events.queue(111, "support"));
        assertEquals(1, engine.refresh().waitingCalls());
    }

    @Test
    void queuesBeyondTheLimitCountInTheTotalOnly() {
        KpiSettings s = KpiSettings.defaults().withLimits(1, 1, 10, 10);
        KpiSnapshot snap = feed(s, answered(10, "c1", "q1", 5, 30, A1), answered(20, "c2", "q2", 5, 30, A2))
                .refresh();
        assertEquals(2, snap.window().answered());
        assertEquals(List.of("q1"), snap.queues().stream().map(KpiSnapshot.QueueKpis::queue).toList());
        assertEquals(1, snap.agents().size());
    }

    @Test
    void theSameEventsGiveTheSameSnapshot() {
        KpiSnapshot a = feed(KpiSettings.defaults(), mix()).refresh();
        KpiSnapshot b = feed(KpiSettings.defaults(), mix()).refresh();
        assertEquals(a, b);
    }

    @Test
    void snapshotsArePublishedAtMostOncePerIntervalOfEventTime() {
        KpiEngine engine = new KpiEngine(KpiSettings.defaults().withPublishInterval(Duration.ofSeconds(10)));
        engine.onEvent(answered(100, "c1", "q", 5, 30, A1));
        assertEquals(1, engine.snapshot().window().answered(), "first event after start publishes");
        engine.onEvent(answered(105, "c2", "q", 5, 30, A1));
        assertEquals(1, engine.snapshot().window().answered(), "5 s later: not yet");
        engine.onEvent(answered(111, "c3", "q", 5, 30, A1));
        assertEquals(3, engine.snapshot().window().answered());
    }

    @Test
    void snapshotSerialisesWithTheSharedMapper() throws Exception {
        KpiEngine engine = feed(KpiSettings.defaults(), mix());
        engine.onEvent(agent(300, A1, AgentState.AVAILABLE, AgentState.LOGGED_OUT));
        JsonNode json = Json.mapper().valueToTree(engine.tick(at(400)));
        assertEquals("2026-11-23T10:06:40Z", json.path("asOf").asText());
        assertEquals("2026-11-23", json.path("day").asText());
        assertEquals(6, json.path("window").path("offered").asLong());
        assertEquals("support", json.path("queues").path(1).path("queue").asText());
        assertEquals("available", json.path("agents").path(0).path("state").asText());
        assertTrue(json.path("queues").path(0).path("window").path("occupancyPercent").isNull());
        assertEquals(engine.snapshot(), engine.snapshot(), "stable until the next publish");
        assertThrows(UnsupportedOperationException.class, () -> engine.snapshot().queues().clear());
    }

    @Test
    void settingsRefuseWindowsThatAreNotWholeBuckets() {
        assertThrows(IllegalArgumentException.class, () -> KpiSettings.defaults()
                .withWindow(Duration.ofMinutes(30), Duration.ofSeconds(7)));
        assertThrows(IllegalArgumentException.class, () -> KpiSettings.defaults()
                .withWindow(Duration.ofDays(30), Duration.ofSeconds(1)));
    }
}
