package io.ctiserver.server.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.server.ami.codec.AmiBanner;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Action semantics over real TCP, checked against the answers in captures 01, 01b, 04, 05 and 12. */
class SimAmiActionsTest {

    private PbxSimulator sim;

    @BeforeEach
    void start() {
        sim = PbxSimulator.start(SimTestConfigs.quiet(20));
    }

    @AfterEach
    void stop() {
        sim.stop();
    }

    @Test
    void bannerAndPlainLoginLikeCapture01() throws Exception {
        try (TestAmiClient c = new TestAmiClient(sim.amiPort())) {
            assertEquals(AmiBanner.ASTERISK_22, c.banner().text());
            AmiMessage r = c.action("Login", "Username", "cti", "Secret", "cti");
            assertEquals("Authentication accepted", r.get("Message"));
            AmiMessage booted = c.event("FullyBooted");
            assertEquals("Fully Booted", booted.get("Status"));
            assertEquals("Pong", c.action("Ping").get("Ping"));
            assertEquals("22.10.1", c.action("CoreSettings").get("AsteriskVersion"));
            assertEquals("Off", c.action("Events", "EventMask", "off").get("Events"));
            assertEquals("On", c.action("Events", "EventMask", "on").get("Events"));
            AmiMessage bye = c.action("Logoff");
            assertEquals("Goodbye", bye.response());
            assertEquals("Thanks for all the fish.", bye.get("Message"));
            c.awaitClose();
        }
    }

    @Test
    void md5ChallengeLogin() throws Exception {
        try (TestAmiClient c = new TestAmiClient(sim.amiPort())) {
            c.banner();
            String challenge = c.action("Challenge", "AuthType", "MD5").get("Challenge");
            AmiMessage r = c.action("Login", "AuthType", "MD5", "Username", "cti",
                    "Key", SessionActions.md5(challenge + "cti"));
            assertEquals("Success", r.response());
        }
    }

    @Test
    void wrongSecretAnswersLikeCapture01bAndCloses() throws Exception {
        try (TestAmiClient c = new TestAmiClient(sim.amiPort())) {
            c.banner();
            AmiMessage r = c.action("Login", "Username", "cti", "Secret", "wrong");
            assertEquals(List.of("Response", "ActionID", "Message"),
                    r.headers().stream().map(h -> h.key()).toList());
            assertEquals("Error", r.response());
            assertEquals("Authentication failed", r.get("Message"));
            c.awaitClose();
        }
    }

    @Test
    void actionsBeforeLoginAreRefused() throws Exception {
        try (TestAmiClient c = new TestAmiClient(sim.amiPort())) {
            c.banner();
            assertEquals("Authentication Required", c.action("Ping").get("Message"));
        }
    }

    @Test
    void queuePauseWithReasonAddPenaltyRemoveLikeCapture04() throws Exception {
        try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
            AmiMessage r = c.action("QueuePause", "Interface", "Local/201@agents/n", "Queue", "support",
                    "Paused", "true", "Reason", "Lunch");
            assertEquals("Interface paused successfully", r.get("Message"));
            AmiMessage ev = c.event("QueueMemberPause");
            assertEquals("1", ev.get("Paused"));
            assertEquals("Lunch", ev.get("PausedReason"));
            assertEquals("Agent 201", ev.get("MemberName"));

            AmiMessage err = c.action("QueuePause", "Interface", "Local/999@nowhere/n", "Queue", "support",
                    "Paused", "true");
            assertEquals("Error", err.response());
            assertEquals("Interface not found", err.get("Message"));

            assertEquals("Added interface to queue", c.action("QueueAdd", "Queue", "support", "Interface",
                    "Local/205@agents/n", "MemberName", "Agent 205", "Penalty", "1", "StateInterface",
                    "Local/205@agents").get("Message"));
            AmiMessage added = c.event("QueueMemberAdded");
            assertEquals("dynamic", added.get("Membership"));
            assertEquals("Unable to add interface: Already there", c.action("QueueAdd", "Queue", "support",
                    "Interface", "Local/205@agents/n").get("Message"));
            assertEquals("Interface penalty set successfully", c.action("QueuePenalty", "Interface",
                    "Local/205@agents/n", "Penalty", "3", "Queue", "support").get("Message"));
            assertEquals("3", c.event("QueueMemberPenalty").get("Penalty"));

            String id = c.send("QueueStatus", "Queue", "support", "Member", "Local/205@agents/n");
            List<AmiMessage> list = c.until("QueueStatusComplete");
            AmiMessage start = c.received.stream().filter(m -> id.equals(m.actionId()) && m.isResponse())
                    .findFirst().orElseThrow();
            assertEquals("start", start.get("EventList"));
            AmiMessage complete = list.get(list.size() - 1);
            assertEquals("Complete", complete.get("EventList"));
            assertEquals("2", complete.get("ListItems"));
            assertTrue(list.stream().anyMatch(m -> "QueueMember".equals(m.eventName())
                    && "3".equals(m.get("Penalty")) && id.equals(m.actionId())));

            assertEquals("Removed interface from queue", c.action("QueueRemove", "Queue", "support",
                    "Interface", "Local/205@agents/n").get("Message"));
            assertEquals("Local/205@agents/n", c.event("QueueMemberRemoved").get("Interface"));
            assertEquals("Unable to remove interface: Not there", c.action("QueueRemove", "Queue", "support",
                    "Interface", "Local/205@agents/n").get("Message"));
        }
        List<String> log = sim.queueLog();
        assertTrue(log.stream().anyMatch(l -> l.endsWith("|support|Agent 201|PAUSE|Lunch")), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.contains("|support|Agent 205|ADDMEMBER|")), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.contains("|support|Agent 205|REMOVEMEMBER|")), log.toString());
    }

    @Test
    void errorsUseAsteriskMessages() throws Exception {
        try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
            assertEquals("No such channel", c.action("Hangup", "Channel", "PJSIP/nobody-00000001").get("Message"));
            assertEquals("Invalid/unknown command: Queues. Use Action: ListCommands to show available commands.",
                    c.action("Queues").get("Message"));
            assertEquals("No such channel", c.action("Getvar", "Channel", "PJSIP/x-1", "Variable", "A")
                    .get("Message"));
            assertEquals("Channel not specified", c.action("Originate", "Exten", "1").get("Message"));
        }
    }

    @Test
    void queueCallThenStatusGetvarHangup() throws Exception {
        try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
            sim.setAgentBehaviour("Local/201@agents/n", "noanswer", 2);
            sim.setAgentBehaviour("Local/202@agents/n", "noanswer", 2);
            String caller = sim.placeInboundCall("5551003", "5000");
            c.next(m -> "QueueCallerJoin".equals(m.eventName()) && caller.equals(m.get("Channel")));
            assertEquals("5551003", c.action("Getvar", "Channel", caller, "Variable", "CALLERID(num)").get("Value"));
            assertEquals("Variable Set", c.action("Setvar", "Channel", caller, "Variable", "X", "Value", "y")
                    .get("Message"));
            assertEquals("y", c.action("Getvar", "Channel", caller, "Variable", "X").get("Value"));
            c.send("CoreShowChannels");
            List<AmiMessage> chans = c.until("CoreShowChannelsComplete");
            assertTrue(chans.stream().anyMatch(m -> caller.equals(m.get("Channel"))
                    && "Queue".equals(m.get("Application"))));
            assertEquals("Channel Hungup", c.action("Hangup", "Channel", caller).get("Message"));
            AmiMessage abandon = c.event("QueueCallerAbandon");
            assertEquals(caller, abandon.get("Channel"));
            c.next(m -> "Hangup".equals(m.eventName()) && caller.equals(m.get("Channel")));
        }
        assertTrue(sim.queueLog().stream().anyMatch(l -> l.contains("|ABANDON|")));
    }

    @Test
    void clickToDialRingsTheAgentFirstThenDialsOut() throws Exception {
        try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
            String id = c.send("Originate", "Channel", "PJSIP/agent1", "Context", "from-agents", "Exten",
                    "0612345678", "Priority", "1", "CallerID", "\"SIP Agent 1\" <agent1>", "Async", "true");
            AmiMessage newchan = c.event("Newchannel");
            assertTrue(newchan.get("Channel").startsWith("PJSIP/agent1-"), newchan.toString());
            // R4's order on Asterisk 22: the device is dialled first, by nobody (no Channel in the Dial* events).
            AmiMessage ringPhone = c.event("DialBegin");
            assertEquals(null, ringPhone.get("Channel"), ringPhone.toString());
            assertEquals(newchan.get("Channel"), ringPhone.get("DestChannel"));
            assertEquals("agent1", ringPhone.get("DialString"));
            AmiMessage ringing = c.next(m -> "Newstate".equals(m.eventName()));
            assertEquals("Ringing", ringing.get("ChannelStateDesc"));
            assertEquals("RINGING", c.event("DialState").get("DialStatus"));
            AmiMessage phoneAnswered = c.event("DialEnd");
            assertEquals(newchan.get("Channel"), phoneAnswered.get("DestChannel"));
            assertEquals("ANSWER", phoneAnswered.get("DialStatus"));
            AmiMessage resp = c.next(m -> "OriginateResponse".equals(m.eventName()));
            assertEquals(id, resp.actionId());
            assertEquals("Success", resp.get("Response"));
            assertEquals("4", resp.get("Reason"));
            AmiMessage dial = c.event("DialBegin");
            assertEquals(newchan.get("Channel"), dial.get("Channel"));
            assertTrue(dial.get("DestChannel").startsWith("PJSIP/trunk-"));
            assertEquals("ANSWER", c.event("DialEnd").get("DialStatus"));
            c.event("BridgeEnter");
        }
    }

    @Test
    void chanSpyWithListenWhisperBargeOptions() throws Exception {
        try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
            sim.placeInboundCall("5551012", "5000", null, 600, 0);
            c.next(m -> "AgentConnect".equals(m.eventName()));
            for (String opts : List.of("q", "qw", "qB")) {
                String id = c.send("Originate", "Channel", "Local/900@simple/n", "Application", "ChanSpy",
                        "Data", "Local/201@agents," + opts, "CallerID", "\"Supervisor\" <900>", "Async", "true");
                AmiMessage resp = c.next(m -> "OriginateResponse".equals(m.eventName()) && id.equals(m.actionId()));
                assertEquals("Local/201@agents," + opts, resp.get("Data"));
                AmiMessage spy = c.event("ChanSpyStart");
                assertTrue(spy.get("SpyeeChannel").startsWith("Local/201@agents-"), spy.toString());
                String spyer = spy.get("SpyerChannel");
                c.action("Hangup", "Channel", spyer);
                assertEquals(spyer, c.event("ChanSpyStop").get("SpyerChannel"));
            }
        }
    }

    @Test
    void mixMonitorStartAndStop() throws Exception {
        try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
            String caller = sim.placeInboundCall("5551012", "5000", null, 600, 0);
            c.next(m -> "AgentConnect".equals(m.eventName()));
            assertEquals("Success", c.action("MixMonitor", "Channel", caller, "File", "/tmp/x.wav").response());
            assertEquals(caller, c.event("MixMonitorStart").get("Channel"));
            assertEquals("Success", c.action("StopMixMonitor", "Channel", caller).response());
            assertEquals(caller, c.event("MixMonitorStop").get("Channel"));
            assertEquals("DTMF successfully queued", c.action("PlayDTMF", "Channel", caller, "Digit", "5")
                    .get("Message"));
            c.send("BridgeList");
            List<AmiMessage> list = c.until("BridgeListComplete");
            assertEquals("1", list.get(list.size() - 1).get("ListItems"));
        }
    }

    @Test
    void originateToABusyOrSilentDeviceFails() throws Exception {
        try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
            sim.setAgentBehaviour("PJSIP/agent1", "busy", 1);
            String id = c.send("Originate", "Channel", "PJSIP/agent1", "Context", "from-agents", "Exten", "123",
                    "Async", "true");
            AmiMessage busy = c.next(m -> "OriginateResponse".equals(m.eventName()) && id.equals(m.actionId()));
            assertEquals("Failure", busy.get("Response"));
            assertEquals("5", busy.get("Reason"));
            sim.setAgentBehaviour("PJSIP/agent1", "noanswer", 1);
            String id2 = c.send("Originate", "Channel", "PJSIP/agent1", "Context", "from-agents", "Exten", "123",
                    "Timeout", "5000", "Async", "true");
            AmiMessage none = c.next(m -> "OriginateResponse".equals(m.eventName()) && id2.equals(m.actionId()));
            assertEquals("Failure", none.get("Response"));
            assertEquals("3", none.get("Reason"));
            AmiMessage sync = c.action("Originate", "Channel", "PJSIP/agent1", "Context", "from-agents", "Exten",
                    "123", "Timeout", "2000");
            assertEquals("Originate failed", sync.get("Message"));
        }
    }

    @Test
    void hangingUpTheAgentEndsTheQueueCallAsCompletedByTheAgent() throws Exception {
        try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
            String caller = sim.placeInboundCall(InboundCall.of("5551001", "5000").talk(600, true));
            String agent = c.event("AgentConnect").get("DestChannel");
            assertEquals("Channel Hungup", c.action("Hangup", "Channel", agent).get("Message"));
            AmiMessage complete = c.event("AgentComplete");
            assertEquals("agent", complete.get("Reason"));
            c.next(m -> "Hangup".equals(m.eventName()) && caller.equals(m.get("Channel")));
        }
        assertTrue(sim.queueLog().stream().anyMatch(l -> l.contains("|COMPLETEAGENT|")), sim.queueLog().toString());
    }

    @Test
    void hangingUpAClickToDialAgentEndsTheOutboundLeg() throws Exception {
        try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
            c.action("Originate", "Channel", "PJSIP/agent1", "Context", "from-agents", "Exten", "0612345678",
                    "Async", "true");
            AmiMessage enter = c.event("BridgeEnter");
            String trunk = enter.get("Channel");
            assertTrue(trunk.startsWith("PJSIP/trunk-"), trunk);
            String agent = c.event("BridgeEnter").get("Channel");
            c.action("Hangup", "Channel", agent);
            c.next(m -> "Hangup".equals(m.eventName()) && trunk.equals(m.get("Channel")));
            c.next(m -> "Hangup".equals(m.eventName()) && agent.equals(m.get("Channel")));
            assertTrue(sim.awaitIdle(java.time.Duration.ofSeconds(10)), "nothing left: " + sim.channels());
        }
    }
}
