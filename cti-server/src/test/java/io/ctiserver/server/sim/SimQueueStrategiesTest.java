package io.ctiserver.server.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.ami.AmiMessage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Queue strategies, penalties, priorities and Redirect, observed over AMI. */
class SimQueueStrategiesTest {

    private static SimConfig oneQueue(String strategy, List<SimConfig.MemberConfig> members) {
        return SimTestConfigs.quiet(50).withQueues(List.of(
                new SimConfig.QueueConfig("support", strategy, 10, 1, 0, 0, members)));
    }

    private static SimConfig.MemberConfig sip(String n, int penalty) {
        return new SimConfig.MemberConfig("PJSIP/" + n, n, penalty, false, "answer", 1.0, 1.0);
    }

    @Test
    void ringallRingsEveryMemberAndCancelsTheOthers() throws Exception {
        PbxSimulator sim = PbxSimulator.start(SimTestConfigs.quiet(20).withIvrQueues(Map.of("2", "sales")));
        try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
            sim.setAgentBehaviour("Local/204@agents/n", "noanswer", 1);
            sim.placeInboundCall(InboundCall.of("5551001", "5000").ivr("2"));
            AmiMessage a = c.event("AgentCalled");
            AmiMessage b = c.event("AgentCalled");
            assertEquals("sales", a.get("Queue"));
            assertEquals(List.of("Local/203@agents/n", "Local/204@agents/n"),
                    List.of(a.get("Interface"), b.get("Interface")));
            AmiMessage connect = c.event("AgentConnect");
            assertEquals("Local/203@agents/n", connect.get("Interface"));
            assertTrue(c.received.stream().anyMatch(m -> "DialEnd".equals(m.eventName())
                    && "CANCEL".equals(m.get("DialStatus"))
                    && m.get("DestChannel").startsWith("Local/204@agents-")), "the other member is cancelled");
        } finally {
            sim.stop();
        }
    }

    @Test
    void leastrecentAndFewestcallsPreferTheRestedAgent() throws Exception {
        for (String strategy : List.of("leastrecent", "fewestcalls")) {
            PbxSimulator sim = PbxSimulator.start(oneQueue(strategy, List.of(sip("a", 0), sip("b", 0))));
            try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
                sim.placeInboundCall(InboundCall.of("5551001", "5000").talk(1, true));
                assertEquals("PJSIP/a", c.event("AgentConnect").get("Interface"), strategy);
                c.event("AgentComplete");
                sim.placeInboundCall(InboundCall.of("5551002", "5000").talk(1, true));
                assertEquals("PJSIP/b", c.event("AgentConnect").get("Interface"), strategy);
            } finally {
                sim.stop();
            }
        }
    }

    @Test
    void aHigherPenaltyIsRungOnlyWhenTheLowerOnesAreBusy() throws Exception {
        PbxSimulator sim = PbxSimulator.start(oneQueue("rrmemory", List.of(sip("backup", 1), sip("first", 0))));
        try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
            sim.placeInboundCall(InboundCall.of("5551001", "5000").talk(600, true));
            assertEquals("PJSIP/first", c.event("AgentConnect").get("Interface"));
            sim.placeInboundCall(InboundCall.of("5551002", "5000").talk(600, true));
            assertEquals("PJSIP/backup", c.event("AgentConnect").get("Interface"));
        } finally {
            sim.stop();
        }
    }

    @Test
    void ctiPriorityPutsTheCallerAhead() throws Exception {
        try (TestFastAgiServer agi = new TestFastAgiServer(env -> env.get("agi_callerid").equals("5550099")
                ? List.of("SET VARIABLE CTI_QUEUE \"support\"", "SET VARIABLE CTI_PRIORITY \"10\"")
                : List.of("SET VARIABLE CTI_QUEUE \"support\""), false)) {
            PbxSimulator sim = PbxSimulator.start(oneQueue("rrmemory", List.of(sip("a", 0)))
                    .withAgi("127.0.0.1", agi.port(), 5000));
            try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
                c.action("QueuePause", "Interface", "PJSIP/a", "Paused", "true");
                sim.placeInboundCall("5551001", "5000");
                assertEquals("1", c.event("QueueCallerJoin").get("Position"));
                sim.placeInboundCall("5551002", "5000");
                assertEquals("2", c.event("QueueCallerJoin").get("Position"));
                sim.placeInboundCall("5550099", "5000");
                AmiMessage vip = c.event("QueueCallerJoin");
                assertEquals("1", vip.get("Position"), "the VIP goes ahead of both");
                c.action("QueuePause", "Interface", "PJSIP/a", "Paused", "false");
                assertEquals(vip.get("Channel"), c.event("AgentConnect").get("Channel"));
            } finally {
                sim.stop();
            }
        }
    }

    @Test
    void redirectWithExtraChannelMovesBothWithoutATransferEvent() throws Exception {
        PbxSimulator sim = PbxSimulator.start(oneQueue("rrmemory", List.of(sip("a", 0))));
        try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
            String caller = sim.placeInboundCall(InboundCall.of("5551001", "5000").talk(600, true));
            AmiMessage connect = c.event("AgentConnect");
            String agent = connect.get("DestChannel");
            assertEquals("Redirect successful", c.action("Redirect", "Channel", caller, "ExtraChannel", agent,
                    "Context", "transfer-targets", "Exten", "300", "Priority", "1").get("Message"));
            c.event("BridgeDestroy");
            // Asterisk 22's order (captures 07, R1, R3): Newexten at the new place, priority 1, then BridgeLeave.
            List<String> moves = c.received.stream().filter(m -> caller.equals(m.get("Channel"))
                    && ("Newexten".equals(m.eventName()) || "BridgeLeave".equals(m.eventName())))
                    .map(m -> m.eventName() + ":" + m.get("Context") + "," + m.get("Exten") + "," + m.get("Priority"))
                    .toList();
            assertEquals("Newexten:transfer-targets,300,1", moves.get(0), moves.toString());
            assertTrue(moves.get(1).startsWith("BridgeLeave:transfer-targets,300"), moves.toString());
            assertEquals("Error", c.action("Redirect", "Channel", "PJSIP/gone-00000009", "Context", "x",
                    "Exten", "1").response());
            c.next(m -> "Hangup".equals(m.eventName()) && caller.equals(m.get("Channel")));
            assertTrue(c.received.stream().noneMatch(m -> "BlindTransfer".equals(m.eventName())
                    || "AttendedTransfer".equals(m.eventName())));
        } finally {
            sim.stop();
        }
        assertTrue(sim.queueLog().stream().anyMatch(l -> l.contains("|COMPLETECALLER|")), sim.queueLog().toString());
    }

    @Test
    void aBusyAgentIsSkippedAndTheCallerTimesOutOfTheQueue() throws Exception {
        PbxSimulator sim = PbxSimulator.start(SimTestConfigs.quiet(50).withQueues(List.of(
                new SimConfig.QueueConfig("support", "rrmemory", 5, 1, 0, 4,
                        List.of(new SimConfig.MemberConfig("PJSIP/a", "A", 0, false, "busy", 1.0, 1.0))))));
        try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
            String caller = sim.placeInboundCall("5551001", "5000");
            assertEquals("BUSY", c.next(m -> "DialEnd".equals(m.eventName())
                    && caller.equals(m.get("Channel"))).get("DialStatus"));
            AmiMessage leave = c.event("QueueCallerLeave");
            assertEquals(caller, leave.get("Channel"));
            c.next(m -> "Hangup".equals(m.eventName()) && caller.equals(m.get("Channel")));
        } finally {
            sim.stop();
        }
        List<String> log = sim.queueLog();
        assertTrue(log.stream().anyMatch(l -> l.contains("|A|RINGNOANSWER|")), log.toString());
        assertTrue(log.get(log.size() - 1).contains("|EXITWITHTIMEOUT|1|1|4"), log.toString());
    }
}
