package io.ctiserver.server.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.ami.capture.CaptureReader;
import io.ctiserver.testing.Captures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The simulator's phones over real TCP: the answers of PJSIPNotify, DBPut, DBGet, PJSIPShowEndpoints (capture 05's
 * fields), DeviceStateList and ExtensionStateList with Asterisk 22's messages (res_pjsip_notify.c, db.c,
 * extension_state.c), device states from the phone's channels, hold and resume through the phone, and the
 * auto-answer header, which is a function write and so no VarSet.
 */
class SimPhonesTest {

    private PbxSimulator sim;

    @BeforeEach
    void start() {
        sim = PbxSimulator.start(SimTestConfigs.quiet(20));
    }

    @AfterEach
    void stop() {
        sim.stop();
    }

    private static List<String> keys(AmiMessage m) {
        return m.headers().stream().map(h -> h.key()).toList();
    }

    @Test
    void pjsipNotifyAnswersAsAsterisk22Does() throws Exception {
        try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
            AmiMessage ok = c.action("PJSIPNotify", "Endpoint", "agent1", "Variable", "Event=talk");
            assertEquals("Success", ok.response());
            assertEquals("NOTIFY sent", ok.get("Message"));
            assertEquals("Unable to retrieve endpoint nobody",
                    c.action("PJSIPNotify", "Endpoint", "nobody", "Variable", "Event=talk").get("Message"));
            assertEquals("PJSIPNotify requires either an Option or Variable(s).You must use only one of them.",
                    c.action("PJSIPNotify", "Endpoint", "agent1").get("Message"));
            assertEquals("PJSIPNotify requires either an endpoint name, a SIP URI, or a channel.  You must use only "
                    + "one of them.", c.action("PJSIPNotify", "Endpoint", "agent1", "URI", "sip:x@y",
                    "Variable", "Event=talk").get("Message"));
            assertEquals("Channel not found", c.action("PJSIPNotify", "Channel", "PJSIP/agent1-000000ff",
                    "Variable", "Event=talk").get("Message"));
            Thread.sleep(200);
            assertEquals(List.of("talk"), sim.phoneNotifies("agent1"));
        }
    }

    @Test
    void astDbPutGetAndMissingKeys() throws Exception {
        try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
            AmiMessage put = c.action("DBPut", "Family", "CTI_DND", "Key", "201", "Val", "1");
            assertEquals("Updated database successfully", put.get("Message"));
            String id = c.send("DBGet", "Family", "CTI_DND", "Key", "201");
            AmiMessage start = c.next(m -> m.isResponse() && id.equals(m.actionId()));
            assertEquals(List.of("Response", "ActionID", "EventList", "Message"), keys(start));
            assertEquals("Result will follow", start.get("Message"));
            AmiMessage val = c.next(m -> "DBGetResponse".equals(m.eventName()));
            assertEquals(List.of("Event", "Family", "Key", "Val", "ActionID"), keys(val), "db.c's order");
            assertEquals("1", val.get("Val"));
            AmiMessage done = c.next(m -> "DBGetComplete".equals(m.eventName()));
            assertEquals("1", done.get("ListItems"));
            assertEquals("Database entry not found",
                    c.action("DBGet", "Family", "CTI_DND", "Key", "999").get("Message"));
            assertEquals("No family specified", c.action("DBPut", "Key", "1").get("Message"));
            assertEquals(Map.of("CTI_DND/201", "1"), sim.astDb());
        }
    }

    @Test
    void endpointsAndDeviceStatesListLikeCapture05() throws Exception {
        AmiMessage captured = CaptureReader.readAll(Captures.file("05_status_actions_during_call.txt"), "x").stream()
                .filter(m -> "EndpointList".equals(m.eventName())).findFirst().orElseThrow();
        try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
            String id = c.send("PJSIPShowEndpoints");
            AmiMessage start = c.next(m -> m.isResponse() && id.equals(m.actionId()));
            assertEquals("A listing of Endpoints follows, presented as EndpointList events", start.get("Message"));
            List<AmiMessage> items = c.until("EndpointListComplete");
            AmiMessage agent1 = items.stream().filter(m -> "agent1".equals(m.get("ObjectName"))).findFirst()
                    .orElseThrow();
            assertEquals(keys(captured), keys(agent1), "the field list of capture 05");
            assertEquals("Not in use", agent1.get("DeviceState"));
            assertTrue(agent1.get("Contacts").startsWith("agent1/sip:agent1@"), agent1.toString());

            String ds = c.send("DeviceStateList");
            c.next(m -> m.isResponse() && ds.equals(m.actionId()));
            List<AmiMessage> states = c.until("DeviceStateListComplete");
            assertTrue(states.stream().anyMatch(m -> "PJSIP/agent1".equals(m.get("Device"))
                    && "NOT_INUSE".equals(m.get("State"))), states.toString());
            assertEquals("No dialplan hints are available", c.action("ExtensionStateList").get("Message"));
        }
    }

    @Test
    void theAutoAnswerHeaderReachesThePhoneAndIsNoVarSet() throws Exception {
        sim.setAgentBehaviour("PJSIP/agent1", "noanswer", 2);
        try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
            AmiMessage r = c.action("Originate", "Channel", "PJSIP/agent1", "Context", "from-agents", "Exten",
                    "5550100", "Priority", "1", "Async", "true",
                    "Variable", "CTI_ORIGINATED_BY=agent1,PJSIP_HEADER(add,Call-Info)=answer-after=0");
            assertEquals("Originate successfully queued", r.get("Message"));
            AmiMessage ringing = c.next(m -> "DeviceStateChange".equals(m.eventName())
                    && "PJSIP/agent1".equals(m.get("Device")) && "RINGING".equals(m.get("State")));
            assertEquals(List.of("Event", "Privilege", "Device", "State"), keys(ringing));
            AmiMessage answered = c.next(m -> "OriginateResponse".equals(m.eventName()));
            assertEquals("Success", answered.get("Response"), "a noanswer agent, yet the phone answered by itself");
            assertEquals(List.of(Map.of("Call-Info", "answer-after=0")), sim.phoneInvites("agent1"));
            assertTrue(c.received.stream().noneMatch(m -> "VarSet".equals(m.eventName())
                    && m.get("Variable", "").startsWith("PJSIP_HEADER")), "a function write raises no VarSet");
            assertTrue(c.received.stream().anyMatch(m -> "VarSet".equals(m.eventName())
                    && "CTI_ORIGINATED_BY".equals(m.get("Variable"))));
        }
    }

    @Test
    void holdAndResumeThroughThePhoneKeepTheBridge() throws Exception {
        try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
            c.action("Originate", "Channel", "PJSIP/agent1", "Context", "from-agents", "Exten", "5550100",
                    "Priority", "1", "Async", "true");
            c.next(m -> "BridgeEnter".equals(m.eventName()) && m.get("Channel", "").startsWith("PJSIP/trunk-"));
            c.action("PJSIPNotify", "Endpoint", "agent1", "Variable", "Event=hold");
            AmiMessage hold = c.event("Hold");
            assertTrue(hold.get("Channel").startsWith("PJSIP/agent1-"));
            c.next(m -> "MusicOnHoldStart".equals(m.eventName()) && m.get("Channel").startsWith("PJSIP/trunk-"));
            c.next(m -> "DeviceStateChange".equals(m.eventName()) && "ONHOLD".equals(m.get("State")));
            c.action("PJSIPNotify", "Endpoint", "agent1", "Variable", "Event=talk");
            c.event("Unhold");
            c.next(m -> "DeviceStateChange".equals(m.eventName()) && "INUSE".equals(m.get("State")));
            assertTrue(c.received.stream().noneMatch(m -> "BridgeLeave".equals(m.eventName())),
                    "the bridge stays intact through hold and resume");
        }
    }

    @Test
    void unregisteringMakesThePhoneUnavailableWithContactStatusRemoved() throws Exception {
        try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
            sim.unregisterPhone("agent1");
            AmiMessage removed = c.event("ContactStatus");
            assertEquals(List.of("Event", "Privilege", "URI", "ContactStatus", "AOR", "EndpointName",
                    "RoundtripUsec"), keys(removed), "the docs' ContactStatus fields");
            assertEquals("Removed", removed.get("ContactStatus"));
            c.next(m -> "DeviceStateChange".equals(m.eventName()) && "UNAVAILABLE".equals(m.get("State")));
            String id = c.send("PJSIPShowContacts");
            c.next(m -> m.isResponse() && id.equals(m.actionId()));
            List<AmiMessage> contacts = c.until("ContactListComplete");
            assertFalse(contacts.stream().anyMatch(m -> "agent1".equals(m.get("Endpoint"))), contacts.toString());
        }
    }

    @Test
    void aQueueMemberOnDndAnswersTheQueuesLegBusyAndTheCallGoesToAnother() throws Exception {
        try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
            c.action("DBPut", "Family", "CTI_DND", "Key", "201", "Val", "1");
            sim.placeInboundCall("5551001", "5000");
            AmiMessage connect = c.event("AgentConnect");
            assertEquals("Local/202@agents/n", connect.get("Interface"), "201 is on DND");
            // rrmemory starts with 201 (the first member): its leg ended busy at once, never rang.
            List<String> of201 = c.received.stream().filter(m -> "DialEnd".equals(m.eventName())
                    && m.get("DestChannel", "").startsWith("Local/201@agents-")).map(m -> m.get("DialStatus")).toList();
            assertEquals(List.of("BUSY"), of201);
        }
    }

    @Test
    void busyAndNoAnswerForwardingFollowTheDialplanContract() throws Exception {
        sim.setAgentBehaviour("Local/202@agents/n", "noanswer", 2);
        sim.setAgentBehaviour("Local/203@agents/n", "busy", 2);
        try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
            c.action("DBPut", "Family", "CTI_FWD", "Key", "202/noanswer", "Val", "5550202");
            c.action("DBPut", "Family", "CTI_FWD", "Key", "203/busy", "Val", "5550203");
            c.action("DBPut", "Family", "CTI_FWD", "Key", "203/noanswer", "Val", "5559999");

            // 202 rings, does not answer: after the dialplan's ring time the call goes to 5550202 on the trunk.
            c.action("Originate", "Channel", "PJSIP/agent1", "Context", "from-agents", "Exten", "202",
                    "Priority", "1", "Async", "true");
            c.next(m -> "DialBegin".equals(m.eventName()) && m.get("DestChannel", "").startsWith("Local/202@"));
            AmiMessage noAnswer = c.next(m -> "DialEnd".equals(m.eventName())
                    && m.get("DestChannel", "").startsWith("Local/202@"));
            assertEquals("NOANSWER", noAnswer.get("DialStatus"));
            AmiMessage out = c.next(m -> "DialBegin".equals(m.eventName())
                    && m.get("DestChannel", "").startsWith("PJSIP/trunk-"));
            assertEquals("PJSIP/5550202@trunk", out.get("DialString"));

            // 203 is busy: its busy forward applies at once, without ringing it.
            c.action("Originate", "Channel", "PJSIP/201", "Context", "from-agents", "Exten", "203",
                    "Priority", "1", "Async", "true");
            AmiMessage busy = c.next(m -> "DialBegin".equals(m.eventName())
                    && m.get("DialString", "").equals("PJSIP/5550203@trunk"));
            assertTrue(busy.get("DestChannel").startsWith("PJSIP/trunk-"));
            assertTrue(c.received.stream().noneMatch(m -> "DialBegin".equals(m.eventName())
                    && m.get("DestChannel", "").startsWith("Local/203@")), "a busy phone with a busy forward is not rung");
        }
    }
}
