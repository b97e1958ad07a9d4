package io.ctiserver.server.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.events.CallEnded;
import io.ctiserver.events.CallRecord;
import io.ctiserver.tracker.Tracker;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Park and retrieve in the simulator, with the events and fields Asterisk 22's documentation gives res_parking
 * (no real capture has them), and what the tracker makes of that stream.
 */
class SimParkingTest {

    private static SimConfig twoAgents() {
        return SimTestConfigs.quiet(50).withQueues(List.of(new SimConfig.QueueConfig("support", "rrmemory", 10, 1,
                0, 0, List.of(new SimConfig.MemberConfig("PJSIP/a", "A", 0, false, "answer", 1.0, 1.0),
                        new SimConfig.MemberConfig("PJSIP/b", "B", 1, false, "answer", 1.0, 1.0)))));
    }

    @Test
    void parkedByOneAgentPickedUpByAnotherIsOneCallInTheTracker() throws Exception {
        PbxSimulator sim = PbxSimulator.start(twoAgents());
        List<AmiMessage> stream = new ArrayList<>();
        try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
            // As the server does at login: QueueStatus teaches the tracker the members (agent B among them).
            c.send("QueueStatus");
            c.until("QueueStatusComplete");
            String caller = sim.placeInboundCall(InboundCall.of("5551001", "5000").talk(600, true));
            AmiMessage connect = c.event("AgentConnect");
            assertEquals("PJSIP/a", connect.get("Interface"));
            assertEquals(connect.get("Linkedid"), connect.get("DestLinkedid"),
                    "a SIP agent's channel is in the caller's call, with its Linkedid (captures 09, R1)");
            assertEquals("Park successful", c.action("Park", "Channel", caller, "TimeoutChannel",
                    connect.get("DestChannel"), "Parkinglot", "default", "Timeout", "60000").get("Message"));
            AmiMessage parked = c.event("ParkedCall");
            assertEquals(caller, parked.get("ParkeeChannel"));
            assertEquals("701", parked.get("ParkingSpace"));
            assertEquals("default", parked.get("Parkinglot"));
            assertEquals("PJSIP/a", parked.get("ParkerDialString"));
            assertEquals("60", parked.get("ParkingTimeout"));
            assertEquals("0", parked.get("ParkingDuration"));
            assertEquals("Error", c.action("Park", "Channel", "PJSIP/gone-00000009").response());

            c.action("Originate", "Channel", "PJSIP/b", "Context", "parkedcalls", "Exten", "701", "Priority", "1",
                    "CallerID", "\"B\" <b>", "Async", "true");
            AmiMessage unparked = c.event("UnParkedCall");
            assertEquals(caller, unparked.get("ParkeeChannel"));
            assertTrue(unparked.get("RetrieverChannel").startsWith("PJSIP/b-"), unparked.toString());
            assertEquals("701", unparked.get("ParkingSpace"));
            c.next(m -> "BridgeEnter".equals(m.eventName()) && caller.equals(m.get("Channel")));
            String retriever = unparked.get("RetrieverChannel");
            c.action("Hangup", "Channel", retriever);
            java.util.Set<String> gone = new java.util.HashSet<>();
            while (gone.size() < 2) {
                AmiMessage h = c.event("Hangup");
                if (caller.equals(h.get("Channel")) || retriever.equals(h.get("Channel"))) {
                    gone.add(h.get("Channel"));
                }
            }
            stream.addAll(c.received);
        } finally {
            sim.stop();
        }

        Tracker tracker = new Tracker("sim");
        List<CallRecord> records = new ArrayList<>();
        tracker.addListener(e -> {
            if (e instanceof CallEnded ended) {
                records.add(ended.record());
            }
        });
        stream.forEach(tracker::onMessage);
        assertEquals(1, records.size(), "the pickup leg is not a call of its own: " + records);
        CallRecord r = records.get(0);
        assertEquals("support", r.queue());
        assertEquals("PJSIP/b", r.agentInterface(), "the retriever is the last agent");
        assertEquals(1, r.parked().size());
        assertEquals("701", r.parked().get(0).space());
        assertEquals("PJSIP/a", r.parked().get(0).by());
        assertEquals("PJSIP/b", r.parked().get(0).retrievedBy());
        assertEquals("retrieved", r.parked().get(0).outcome());
        assertEquals(List.of("PJSIP/a", "PJSIP/b"), r.segments().stream().map(CallRecord.Segment::agentInterface).toList());
        assertEquals("agent", r.endedBy().wire());
    }

    @Test
    void aParkedCallerWhoHangsUpGivesUp() throws Exception {
        PbxSimulator sim = PbxSimulator.start(twoAgents());
        try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
            String caller = sim.placeInboundCall(InboundCall.of("5551002", "5000").talk(600, true));
            c.event("AgentConnect");
            c.action("Park", "Channel", caller, "ParkingSpace", "705");
            assertEquals("705", c.event("ParkedCall").get("ParkingSpace"));
            c.action("Hangup", "Channel", caller);
            AmiMessage gaveUp = c.event("ParkedCallGiveUp");
            assertEquals(caller, gaveUp.get("ParkeeChannel"));
            assertEquals("705", gaveUp.get("ParkingSpace"));
            c.next(m -> "Hangup".equals(m.eventName()) && caller.equals(m.get("Channel")));
        } finally {
            sim.stop();
        }
    }
}
