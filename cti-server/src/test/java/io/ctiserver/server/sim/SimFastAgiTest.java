package io.ctiserver.server.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.testing.Captures;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The FastAGI route step: the environment block, Asterisk's replies, applying the result, and the fallback. */
class SimFastAgiTest {

    @Test
    void envBlockRepliesAndRouteToTheQueueTheServerChose() throws Exception {
        try (TestFastAgiServer agi = new TestFastAgiServer(env -> List.of(
                "VERBOSE \"route\" 1",
                "GET VARIABLE CHANNEL(name)",
                "GET VARIABLE IVR_CHOICE",
                "GET VARIABLE NOT_SET_ANYWHERE",
                "FROB NICATE",
                "SET VARIABLE CTI_QUEUE \"sales\"",
                "SET VARIABLE CTI_VIP \"1\"",
                "SET VARIABLE CTI_ROUTE_REASON \"VIP caller, sales skill\""), false)) {
            PbxSimulator sim = PbxSimulator.start(SimTestConfigs.quiet(20).withAgi("127.0.0.1", agi.port(), 5000));
            try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
                String caller = sim.placeInboundCall(InboundCall.of("5551009", "5000").ivr("2")
                        .from("PJSIP/sipp-in", "SIPp Caller"));
                AmiMessage status = c.next(m -> "VarSet".equals(m.eventName())
                        && "AGISTATUS".equals(m.get("Variable")));
                assertEquals("SUCCESS", status.get("Value"));
                AmiMessage join = c.event("QueueCallerJoin");
                assertEquals("sales", join.get("Queue"));
                assertEquals(caller, join.get("Channel"));

                TestFastAgiServer.Session s = agi.sessions.get(0);
                List<String> expectedKeys = new ArrayList<>();
                for (String line : Files.readAllLines(Captures.file("agi/agi_env_pjsip_channel_sipp_call.txt"))) {
                    if (!line.isEmpty()) {
                        expectedKeys.add(line.substring(0, line.indexOf(':')));
                    }
                }
                assertEquals(expectedKeys, new ArrayList<>(s.env().keySet()), "env block keys as Asterisk 22 sends");
                assertEquals(caller, s.env().get("agi_channel"));
                assertEquals("5000", s.env().get("agi_arg_1"));
                assertEquals("5551009", s.env().get("agi_arg_2"));
                assertEquals("route", s.env().get("agi_network_script"));
                assertEquals(List.of("200 result=1", "200 result=1 (" + caller + ")", "200 result=1 (2)",
                        "200 result=0", "510 Invalid or unknown command", "200 result=1", "200 result=1",
                        "200 result=1"), s.replies());
                List<String> commands = c.received.stream().filter(m -> "AGIExecEnd".equals(m.eventName()))
                        .map(m -> m.get("ResultCode")).toList();
                assertEquals(List.of("200", "200", "200", "200", "510", "200", "200", "200"), commands);
                assertEquals("VIP caller, sales skill", c.action("Getvar", "Channel", caller, "Variable",
                        "CTI_ROUTE_REASON").get("Value"));
            } finally {
                sim.stop();
            }
        }
    }

    @Test
    void dedicatedAgentIsTriedFirst() throws Exception {
        try (TestFastAgiServer agi = new TestFastAgiServer(env -> List.of(
                "SET VARIABLE CTI_QUEUE \"support\"",
                "SET VARIABLE CTI_PRIORITY \"10\"",
                "SET VARIABLE CTI_AGENT \"Local/202@agents/n\"",
                "SET VARIABLE CTI_AGENT_TIMEOUT \"5\""), false)) {
            PbxSimulator sim = PbxSimulator.start(SimTestConfigs.quiet(20).withAgi("127.0.0.1", agi.port(), 5000));
            try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
                sim.placeInboundCall("5551001", "5000");
                // rrmemory alone would ring Agent 201 first
                assertEquals("Local/202@agents/n", c.event("AgentCalled").get("Interface"));
            } finally {
                sim.stop();
            }
        }
    }

    @Test
    void silentCtiServerFallsBackToTheDefaultQueueWithinTheDeadline() throws Exception {
        try (TestFastAgiServer agi = new TestFastAgiServer(env -> List.of(), true)) {
            PbxSimulator sim = PbxSimulator.start(SimTestConfigs.quiet(20).withAgi("127.0.0.1", agi.port(), 300));
            try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
                long t0 = System.nanoTime();
                sim.placeInboundCall("5551001", "5000");
                AmiMessage status = c.next(m -> "VarSet".equals(m.eventName())
                        && "AGISTATUS".equals(m.get("Variable")));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertEquals("FAILURE", status.get("Value"));
                assertEquals("support", c.event("QueueCallerJoin").get("Queue"));
                assertTrue(ms >= 250, "waited for the deadline, not less: " + ms + " ms");
                assertTrue(ms < 5000, "fell back within the deadline (plus slack): " + ms + " ms");
            } finally {
                sim.stop();
            }
        }
    }

    @Test
    void noCtiServerFallsBackToTheDefaultQueue() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        PbxSimulator sim = PbxSimulator.start(SimTestConfigs.quiet(20).withAgi("127.0.0.1", closedPort, 300));
        try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
            sim.placeInboundCall("5551001", "5000");
            assertEquals("FAILURE", c.next(m -> "VarSet".equals(m.eventName())
                    && "AGISTATUS".equals(m.get("Variable"))).get("Value"));
            assertEquals("support", c.event("QueueCallerJoin").get("Queue"));
        } finally {
            sim.stop();
        }
    }

    @Test
    void hangupFromTheScriptEndsTheCallWithAgiStatusHangup() throws Exception {
        try (TestFastAgiServer agi = new TestFastAgiServer(env -> List.of("HANGUP"), false)) {
            PbxSimulator sim = PbxSimulator.start(SimTestConfigs.quiet(20).withAgi("127.0.0.1", agi.port(), 5000));
            try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
                String caller = sim.placeInboundCall("5551001", "5000");
                assertEquals("HANGUP", c.next(m -> "VarSet".equals(m.eventName())
                        && "AGISTATUS".equals(m.get("Variable"))).get("Value"));
                c.next(m -> "Hangup".equals(m.eventName()) && caller.equals(m.get("Channel")));
                assertTrue(c.received.stream().noneMatch(m -> "QueueCallerJoin".equals(m.eventName())));
            } finally {
                sim.stop();
            }
        }
    }
}
