package io.ctiserver.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ctiserver.events.AgentState;
import io.ctiserver.events.CallDirection;
import io.ctiserver.events.CallOffered;
import io.ctiserver.events.CallRecord;
import io.ctiserver.events.CallResult;
import io.ctiserver.events.EndedBy;
import io.ctiserver.tracker.SyntheticPbx.Chan;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's click-to-dial (Originate of the agent's device into the dial context with CallerID set to the number,
 * in R4's event shapes: a DialBegin with no caller to the agent's phone, then the phone's own Dial out).
 */
class AgentOwnCallsTest {

    private ReplayHarness h;
    private SyntheticPbx pbx;

    @BeforeEach
    void setUp() {
        h = new ReplayHarness();
        pbx = new SyntheticPbx(h);
        pbx.member("support", "PJSIP/agent1", "SIP Agent 1", "0", "1");
    }

    private AgentState agentState() {
        return h.tracker.view().agents().stream().filter(a -> a.iface().equals("PJSIP/agent1")).findFirst()
                .orElseThrow().state();
    }

    /** The agent's phone rings, answers, and dials 0155512345 out; returns {agent, trunk}. */
    private Chan[] clickToDial() {
        Chan agent = pbx.channel("PJSIP/agent1-00000003", null, "from-agents", "s", "0155512345", "0155512345");
        pbx.send("DialBegin", "DestChannel", agent.name(), "DestChannelState", "0", "DestCallerIDNum", "0155512345",
                "DestContext", "from-agents", "DestExten", "s", "DestUniqueid", agent.uid(), "DestLinkedid",
                agent.linkedid(), "DialString", "agent1");
        assertEquals(AgentState.RINGING, agentState(), "the agent's phone rings first");
        pbx.advance(2);
        pbx.send("DialEnd", "DestChannel", agent.name(), "DestUniqueid", agent.uid(), "DestLinkedid", agent.linkedid(),
                "DialStatus", "ANSWER");
        pbx.on("Newexten", agent, "Context", "from-agents", "Exten", "0155512345", "Priority", "1",
                "Application", "Dial", "AppData", "PJSIP/0155512345@trunk,30");
        Chan trunk = pbx.channel("PJSIP/trunk-00000004", agent, "from-trunk", "0155512345", "0155512345", "");
        pbx.dial("DialBegin", agent, trunk, "DialString", "PJSIP/0155512345@trunk");
        return new Chan[] {agent, trunk};
    }

    @Test
    void answeredByTheFarEndWhichHangsUp() {
        Chan[] c = clickToDial();
        pbx.advance(4);
        pbx.dial("DialEnd", c[0], c[1], "DialStatus", "ANSWER");
        pbx.bridge("b1", c[1], c[0]);
        assertEquals(AgentState.ON_CALL, agentState());
        pbx.advance(25);
        pbx.on("HangupRequest", c[1], "Cause", "16");
        pbx.leave("b1", c[1]);
        pbx.leave("b1", c[0]);
        pbx.hangup(c[1], c[0]);

        assertEquals(List.of("call.offered", "call.answered", "call.ended"), h.callTypes());
        assertEquals("PJSIP/agent1", h.of(CallOffered.class).get(0).agentInterface());
        CallRecord r = h.records().get(0);
        assertEquals(CallDirection.OUTBOUND, r.direction());
        assertEquals("0155512345", r.dialed(), "the far end's number");
        assertEquals("agent1", r.callerNumber(), "the agent, not the number its phone was shown");
        assertEquals("SIP Agent 1", r.callerName());
        assertEquals(25, r.talkSeconds(), "from the far end's answer");
        assertEquals(EndedBy.CALLER, r.endedBy(), "the far end (the customer) hung up");
        assertEquals(AgentState.AVAILABLE, agentState());
    }

    @Test
    void unansweredStillReachesTheAgentWithItsRecord() {
        Chan[] c = clickToDial();
        pbx.advance(30);
        pbx.dial("DialEnd", c[0], c[1], "DialStatus", "NOANSWER");
        pbx.hangup(c[1]);
        pbx.on("HangupRequest", c[0], "Cause", "16");
        pbx.hangup(c[0]);

        CallRecord r = h.records().get(0);
        assertEquals(CallResult.UNANSWERED, r.result());
        assertEquals("PJSIP/agent1", r.agentInterface(), "the agent who placed it, so its desktop gets call.ended");
        assertEquals(EndedBy.AGENT, r.endedBy());
        assertNull(r.answeredAt());
        assertEquals(0, r.talkSeconds());
        assertEquals(List.of(), r.segments());
        assertEquals(AgentState.AVAILABLE, agentState());
    }
}
