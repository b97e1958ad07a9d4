package io.ctiserver.server.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.testing.Captures;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The CTI server's hold and unhold against the simulator, compared with real Asterisk 22 (capture R1): a queue call
 * answered by PJSIP/agent1; one Redirect sends the customer to {@code cti-hold,hold} and (ExtraChannel) the agent to
 * {@code cti-hold,wait}; the Bridge action joins them again; the agent's channel is hung up.
 *
 * <p>Compared from the AgentConnect on: the events that say where each channel is (Newexten into cti-hold with its
 * Context, Exten and Application), the bridge events (which bridge, as b1, b2, ... in order of appearance), the
 * music, AgentComplete (there must be none) and the hangups, in order, channels as roles. And the queue_log: the
 * same verbs and agent as R1, COMPLETEAGENT written at the Bridge and not before.
 */
class SimHoldFidelityTest {

    private static final Set<String> EVENTS = Set.of("Newexten", "BridgeCreate", "BridgeEnter", "BridgeLeave",
            "BridgeDestroy", "MusicOnHoldStart", "MusicOnHoldStop", "AgentComplete", "SoftHangupRequest",
            "HangupRequest", "Hangup");

    @Test
    void holdRedirectThenBridgeThenHangupLikeCaptureR1() throws Exception {
        List<AmiMessage> real = SimFidelityTest.decode("R1_cti_hold_unhold.txt");
        List<AmiMessage> got;
        List<String> logBeforeBridge;
        List<String> logAfterBridge;
        try (TestFastAgiServer agi = TestFastAgiServer.replayingCapture("CTI_ROUTE", "support")) {
            PbxSimulator sim = PbxSimulator.start(SimTestConfigs.quiet(10).withAgi("127.0.0.1", agi.port(), 5000));
            try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
                // R1's agent talks until hung up: give it far more talk time than the test takes.
                sim.setAgentBehaviour("PJSIP/agent1", "answer", 2, 3600);
                c.action("QueuePause", "Interface", "Local/201@agents/n", "Queue", "support", "Paused", "true",
                        "Reason", "cti-test");
                c.action("QueuePause", "Interface", "Local/202@agents/n", "Queue", "support", "Paused", "true",
                        "Reason", "cti-test");
                c.action("QueuePause", "Interface", "PJSIP/agent1", "Queue", "support", "Paused", "false");
                c.action("Originate", "Channel", "Local/5000@incoming/n", "Application", "Wait", "Data", "3600",
                        "CallerID", "\"Hold Caller\" <5554101>", "Async", "true");
                AmiMessage connect = c.event("AgentConnect");
                String customer = connect.get("Channel");
                String agent = connect.get("DestChannel");

                AmiMessage hold = c.action("Redirect", "Channel", customer, "Context", "cti-hold", "Exten", "hold",
                        "Priority", "1", "ExtraChannel", agent, "ExtraContext", "cti-hold", "ExtraExten", "wait",
                        "ExtraPriority", "1");
                assertEquals("Success", hold.response(), hold.toString());
                c.next(m -> "MusicOnHoldStart".equals(m.eventName()) && "cti-hold".equals(m.get("Context")));
                logBeforeBridge = sim.queueLog();

                AmiMessage bridge = c.action("Bridge", "Channel1", agent, "Channel2", customer, "Tone", "no");
                assertEquals("Success", bridge.response(), bridge.toString());
                assertEquals("Channels have been bridged", bridge.get("Message"));
                c.next(m -> "BridgeEnter".equals(m.eventName()) && customer.equals(m.get("Channel")));
                logAfterBridge = sim.queueLog();

                c.action("Hangup", "Channel", agent);
                for (int i = 0; i < 3; i++) {
                    c.event("Hangup");
                }
                c.action("Ping"); // everything emitted before the last Hangup has arrived
                got = c.received;
            } finally {
                sim.stop();
            }
        }
        List<String> want = fromConnect(real);
        List<String> have = fromConnect(got);
        assertTrue(want.size() > 15 && want.stream().anyMatch(l -> l.startsWith("MusicOnHoldStop")), "R1 read: " + want);
        assertEquals(String.join("\n", want), String.join("\n", have), "the hold, unhold and hangup events");

        List<String> realLog = verbs(new String(Captures.bytes("R1_cti_hold_unhold.queue_log"),
                StandardCharsets.UTF_8).lines().toList());
        assertEquals(realLog, verbs(logAfterBridge), "queue_log as R1 (after the Bridge)");
        assertTrue(verbs(logBeforeBridge).stream().noneMatch(l -> l.contains("COMPLETE")),
                "nothing completes the queue call at the hold: " + logBeforeBridge);
    }

    @Test
    void bridgeRefusesAsAsteriskDoes() throws Exception {
        PbxSimulator sim = PbxSimulator.start(SimTestConfigs.quiet(10));
        try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
            AmiMessage missing = c.action("Bridge", "Channel1", "PJSIP/agent1-00000001");
            assertEquals("Error", missing.response());
            assertEquals("Missing channel parameter in request", missing.get("Message"));
            AmiMessage unknown = c.action("Bridge", "Channel1", "PJSIP/nobody-00000001", "Channel2", "PJSIP/x");
            assertEquals("Error", unknown.response());
            assertEquals("Channel1 does not exist: PJSIP/nobody-00000001", unknown.get("Message"));
        } finally {
            sim.stop();
        }
    }

    /** The capture's or the simulator's events from the AgentConnect on, one normalised line each. */
    private static List<String> fromConnect(List<AmiMessage> messages) {
        Map<String, String> roles = new HashMap<>();
        Map<String, String> bridges = new HashMap<>();
        List<String> out = new ArrayList<>();
        boolean on = false;
        for (AmiMessage m : messages) {
            String name = m.eventName();
            if ("AgentConnect".equals(name)) {
                on = true;
                role(roles, m.get("Channel"), "customer");
                role(roles, m.get("DestChannel"), "agent");
            }
            if (!on || name == null || !EVENTS.contains(name)) {
                continue;
            }
            if (name.equals("Newexten") && !"cti-hold".equals(m.get("Context"))) {
                continue; // the testbed's own dialplan steps before the hold are not the subject here
            }
            StringBuilder sb = new StringBuilder(name);
            if (m.get("BridgeUniqueid") != null) {
                sb.append(" bridge=").append(bridges.computeIfAbsent(m.get("BridgeUniqueid"),
                        id -> "b" + (bridges.size() + 1)));
            }
            if (m.get("Channel") != null) {
                sb.append(" channel=").append(role(roles, m.get("Channel"), null));
                sb.append(" at=").append(m.get("Context")).append(',').append(m.get("Exten"));
            }
            if (name.equals("Newexten")) {
                sb.append(" app=").append(m.get("Application"));
            }
            if (m.get("Cause") != null) {
                sb.append(" cause=").append(m.get("Cause"));
            }
            out.add(sb.toString());
        }
        return out;
    }

    private static String role(Map<String, String> roles, String channel, String name) {
        String base = channel.replaceFirst(";[12]$", "");
        String suffix = channel.substring(base.length());
        return roles.computeIfAbsent(base, b -> name != null ? name : "c" + roles.size()) + suffix;
    }

    /** queue_log lines without time and callid: queue|agent|verb|data (data without the times for COMPLETE*). */
    private static List<String> verbs(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            String[] f = l.split("\\|", -1);
            if (f.length < 5 || f[1].equals("NONE")) {
                continue; // member pauses: not the call
            }
            out.add(f[2] + "|" + f[3] + "|" + f[4]);
        }
        return out;
    }
}
