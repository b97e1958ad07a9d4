package io.ctiserver.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.ami.AmiResponse;
import io.ctiserver.ami.capture.CaptureReader;
import io.ctiserver.events.AgentState;
import io.ctiserver.events.CallRecord;
import io.ctiserver.events.CallResult;
import io.ctiserver.events.CallState;
import io.ctiserver.events.CallView;
import io.ctiserver.events.EndedBy;
import io.ctiserver.testing.Captures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The AMI session opens in the middle of traffic: a call already talking to an agent (capture 05's real
 * CoreShowChannels and QueueStatus answers, then the rest of capture 05: no AgentConnect, only the AgentComplete),
 * and callers already waiting in a queue (synthetic, in the shapes of those answers). Every such call must end with a
 * complete record.
 */
class MidTrafficConnectTest {

    private static final List<AmiMessage> CAPTURE_05 =
            CaptureReader.readAll(Captures.file("05_status_actions_during_call.txt"), "pbx1");

    @Test
    void callTalkingToAnAgentAtConnectEndsWithQueueAgentWaitAndTalk() {
        ReplayHarness h = new ReplayHarness();
        h.tracker.applySnapshot(ResyncTest.snapshotOf05());
        CallView found = h.tracker.view().call("1795458499.10").orElseThrow();
        assertEquals(CallState.CONNECTED, found.state());
        assertEquals("support", found.queue(), "from the caller's Application Queue(support,...)");
        assertEquals("Local/202@agents/n", found.agentInterface());
        assertEquals("5551003", found.callerNumber());
        assertNotNull(found.answeredAt());
        AgentState agent = h.tracker.view().agents().stream().filter(a -> a.iface().equals("Local/202@agents/n"))
                .findFirst().orElseThrow().state();
        assertEquals(AgentState.ON_CALL, agent);

        // What follows the status answers in capture 05: the Hangup action, AgentComplete, the hangups.
        int after = 0;
        for (int i = 0; i < CAPTURE_05.size(); i++) {
            if ("cti-14".equals(CAPTURE_05.get(i).actionId())) {
                after = i + 1;
            }
        }
        h.feed(CAPTURE_05.subList(after, CAPTURE_05.size()));
        assertEquals(1, h.records().size());
        CallRecord r = h.records().get(0);
        assertEquals("1795458499.10", r.callId());
        assertEquals(CallResult.ANSWERED, r.result());
        assertEquals("support", r.queue());
        assertEquals("Agent 202", r.agentName());
        assertEquals("Local/202@agents/n", r.agentInterface());
        assertEquals(2, r.waitSeconds(), "AgentComplete's HoldTime: there was no AgentConnect to give it");
        assertEquals(1, r.talkSeconds(), "AgentComplete's TalkTime");
        assertEquals(EndedBy.CALLER, r.endedBy());
        assertEquals(1, r.segments().size());
        assertEquals(1, r.segments().get(0).talkSeconds());
        assertEquals(List.of(), h.tracker.view().calls());
    }

    @Test
    void callersWaitingAtConnectKeepTheirWaitAndAreAnsweredLater() {
        ReplayHarness h = new ReplayHarness();
        SyntheticPbx pbx = new SyntheticPbx(h);
        long now = SyntheticPbx.T0 + 100_000;
        String uid = "1800000060.7";
        AmiMessage channels = AmiMessage.builder().add("Response", "Success").add("ActionID", "r1")
                .add("EventList", "start").build().withSource("pbx1", now);
        AmiMessage caller = AmiMessage.builder().add("Event", "CoreShowChannel").add("ActionID", "r1")
                .add("Channel", "PJSIP/trunk-00000007").add("ChannelState", "6").add("ChannelStateDesc", "Up")
                .add("CallerIDNum", "5557000").add("CallerIDName", "Early Caller").add("ConnectedLineNum", "<unknown>")
                .add("ConnectedLineName", "<unknown>").add("Language", "en").add("AccountCode", "")
                .add("Context", "incoming").add("Exten", "5000").add("Priority", "7").add("Uniqueid", uid)
                .add("Linkedid", uid).add("Application", "Queue").add("ApplicationData", "support,tT,,,120")
                .add("Duration", "00:00:40").add("BridgeId", "").build().withSource("pbx1", now);
        AmiMessage queues = AmiMessage.builder().add("Response", "Success").add("ActionID", "r2")
                .add("EventList", "start").build().withSource("pbx1", now);
        List<AmiMessage> qs = new ArrayList<>();
        qs.add(AmiMessage.builder().add("Event", "QueueParams").add("Queue", "support").add("Strategy", "rrmemory")
                .add("Calls", "1").build());
        qs.add(AmiMessage.builder().add("Event", "QueueMember").add("Queue", "support").add("Name", "SIP Agent 1")
                .add("Location", "PJSIP/agent1").add("StateInterface", "PJSIP/agent1").add("Membership", "static")
                .add("Penalty", "0").add("CallsTaken", "3").add("LastCall", "0").add("InCall", "0").add("Status", "1")
                .add("Paused", "0").add("PausedReason", "").add("Wrapuptime", "0").build());
        qs.add(AmiMessage.builder().add("Event", "QueueEntry").add("Queue", "support").add("Position", "1")
                .add("Channel", "PJSIP/trunk-00000007").add("Uniqueid", uid).add("CallerIDNum", "5557000")
                .add("CallerIDName", "Early Caller").add("ConnectedLineNum", "unknown").add("ConnectedLineName", "unknown")
                .add("Wait", "35").add("Priority", "0").build());
        h.tracker.applySnapshot(new PbxSnapshot(new AmiResponse(channels, List.of(caller)), new AmiResponse(queues, qs)));
        CallView waiting = h.tracker.view().call(uid).orElseThrow();
        assertEquals(CallState.QUEUED, waiting.state());
        assertEquals(now - 40_000, waiting.startedAt().toEpochMilli(), "CoreShowChannel Duration 00:00:40");
        assertEquals(now - 35_000, waiting.queuedAt().toEpochMilli(), "QueueEntry Wait 35");

        // Then app_queue rings the agent, who answers: HoldTime counts the whole wait.
        pbx.now = now;
        SyntheticPbx.Chan c = new SyntheticPbx.Chan("PJSIP/trunk-00000007", uid, uid, "incoming", "5000", "5557000",
                "Early Caller");
        SyntheticPbx.Chan agent = pbx.channel("PJSIP/agent1-00000008", c, "from-agents", "s", "agent1", "SIP Agent 1");
        pbx.agentCalled(c, agent, "support", "PJSIP/agent1", "SIP Agent 1");
        pbx.advance(3);
        pbx.connect(c, agent, "support", "PJSIP/agent1", "SIP Agent 1", 38);
        pbx.bridge("b1", agent, c);
        pbx.advance(12);
        pbx.on("HangupRequest", c, "Cause", "16");
        pbx.complete(c, agent, "support", "PJSIP/agent1", "SIP Agent 1", 38, 12, "caller");
        pbx.hangup(c, agent);

        CallRecord r = h.records().get(0);
        assertEquals("support", r.queue());
        assertEquals(38, r.waitSeconds());
        assertEquals(12, r.talkSeconds());
        assertEquals("SIP Agent 1", r.agentName());
        assertEquals(EndedBy.CALLER, r.endedBy());
        assertTrue(r.startedAt().toEpochMilli() <= now - 40_000);
    }
}
