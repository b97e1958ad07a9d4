package io.ctiserver.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.events.CallState;
import io.ctiserver.presence.PhoneState;
import io.ctiserver.presence.PresenceEntry;
import io.ctiserver.presence.Registration;
import io.ctiserver.server.gateway.auth.User;
import io.ctiserver.server.gateway.auth.UserDirectory;
import io.ctiserver.server.gateway.commands.AuditLog;
import io.ctiserver.server.gateway.commands.CommandHandler;
import io.ctiserver.server.gateway.commands.CommandResult;
import io.ctiserver.server.gateway.commands.CommandSupport;
import io.ctiserver.server.gateway.commands.phone.PhoneCommands;
import io.ctiserver.server.gateway.commands.phone.PhoneDevice;
import io.ctiserver.server.gateway.commands.phone.PhonesConfig;
import io.ctiserver.server.gateway.presence.PhoneEvent;
import io.ctiserver.server.gateway.presence.PresenceAccess;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The phone family's AMI actions, header by header, and its refusals. */
class PhoneCommandsTest {

    private final GatewayConfig config = GatewayConfig.defaults().withUsers(Fixture.users());
    private final UserDirectory users = new UserDirectory(config.users(), "pbx1");
    private final FakeStateView state = new FakeStateView();
    private final FakeAmi ami = new FakeAmi();
    private final List<PhoneEvent> events = new CopyOnWriteArrayList<>();
    private final List<PresenceEntry> lines = new CopyOnWriteArrayList<>();
    private final PhonesConfig phones = new PhonesConfig(null, null, List.of(
            new PhoneDevice("PJSIP/agent1", null, List.of("agent1"), "yealink", null, null, null, null, null),
            new PhoneDevice("PJSIP/201", "201", List.of("agent201"), "snom", null, null, null, null, "redirect"),
            new PhoneDevice("PJSIP/202", null, List.of("agent202"), "poly", null, null, null, null, null)),
            Map.of("*", List.of("PJSIP/20*")));
    private final CommandHandler handler = new CommandHandler(
            new CommandSupport(config, users, state, pbx -> ami,
                    Clock.fixed(Instant.parse("2026-12-03T09:00:00Z"), ZoneOffset.UTC)),
            new AuditLog(100), s -> List.of(new PhoneCommands(s, phones, () -> lines, events::add)));

    private CommandResult run(String user, String json) throws Exception {
        User u = users.byName(user).orElseThrow();
        return handler.handle(u, Json.MAPPER.readTree(json)).get();
    }

    private static List<String> headers(AmiMessage m) {
        return m.headers().stream().map(h -> h.key() + ": " + h.value()).toList();
    }

    @Test
    void answerIsANotifyToTheEndpointWithTheVendorsEvent() throws Exception {
        lines.add(line("PJSIP/agent1", PhoneState.RINGING));
        CommandResult r = run("agent1", "{\"command\":\"phone.answer\"}");
        assertTrue(r.ok(), r.toString());
        assertEquals(List.of("Action: PJSIPNotify", "Endpoint: agent1", "Variable: Event=talk"), headers(ami.next()));
    }

    @Test
    void answerIsRefusedWithTheReasonWhenThePhoneCannotOrNothingRings() throws Exception {
        CommandResult poly = run("agent202", "{\"command\":\"phone.answer\"}");
        assertEquals("not_supported", poly.error().code());
        assertTrue(poly.error().message().contains("PJSIP/202 (poly) cannot be answered remotely"),
                poly.error().message());
        assertEquals(409, poly.error().httpStatus());

        lines.add(line("PJSIP/agent1", PhoneState.IN_USE));
        CommandResult busy = run("agent1", "{\"command\":\"phone.answer\"}");
        assertEquals("not_found", busy.error().code());
        assertTrue(busy.error().message().contains("it is in_use"), busy.error().message());

        CommandResult sup = run("sup", "{\"command\":\"phone.answer\",\"agent\":\"agent202\"}");
        assertEquals("not_supported", sup.error().code(), "a supervisor acts on the agent's phone, same rules");
        assertTrue(ami.sent.isEmpty(), "nothing sent: " + ami.sent);
    }

    @Test
    void clickToDialAddsTheAutoAnswerHeaderOnTheOriginatedLeg() throws Exception {
        CommandResult r = run("agent201", "{\"command\":\"phone.dial\",\"number\":\"5551234\"}");
        assertTrue(r.ok(), r.toString());
        assertEquals(List.of("Action: Originate", "Channel: PJSIP/201", "Context: from-agents", "Exten: 5551234",
                "Priority: 1", "CallerID: \"5551234\" <5551234>", "Timeout: 30000", "Async: true",
                "Variable: CTI_ORIGINATED_BY=agent201",
                "Variable: PJSIP_HEADER(add,Call-Info)=<sip:127.0.0.1>;answer-after=0"), headers(ami.next()));
        assertEquals(true, r.data().get("autoAnswer"));

        run("agent202", "{\"command\":\"phone.dial\",\"number\":\"5551234\"}");
        assertTrue(headers(ami.next()).contains("Variable: PJSIP_HEADER(add,Alert-Info)=info=Auto Answer"));
    }

    @Test
    void holdGoesThroughThePhoneWhereItCanElseByRedirect() throws Exception {
        state.put(Fixture.call("c1", CallState.CONNECTED, "PJSIP/agent1", "PJSIP/agent1-00000007"));
        assertTrue(run("agent1", "{\"command\":\"phone.hold\",\"callId\":\"c1\"}").ok());
        assertEquals(List.of("Action: PJSIPNotify", "Endpoint: agent1", "Variable: Event=hold"), headers(ami.next()));
        CommandResult resume = run("agent1", "{\"command\":\"phone.unhold\",\"callId\":\"c1\"}");
        assertEquals("notify", resume.data().get("method"));
        assertEquals(List.of("Action: PJSIPNotify", "Endpoint: agent1", "Variable: Event=talk"), headers(ami.next()));

        // agent201's Snom could, but its device setting says redirect: both legs leave the bridge.
        state.put(Fixture.call("c2", CallState.CONNECTED, Fixture.AGENT_201, "Local/201@agents-00000003;1"));
        CommandResult r = run("agent201", "{\"command\":\"phone.hold\",\"callId\":\"c2\"}");
        assertEquals("redirect", r.data().get("method"));
        AmiMessage redirect = ami.next();
        assertEquals("Redirect", redirect.action());
        assertEquals("PJSIP/trunk-00000002", redirect.get("Channel"));
        assertEquals("Local/201@agents-00000003;1", redirect.get("ExtraChannel"));
        assertTrue(run("agent201", "{\"command\":\"phone.unhold\",\"callId\":\"c2\"}").ok());
        assertEquals(List.of("Action: Bridge", "Channel1: Local/201@agents-00000003;1",
                "Channel2: PJSIP/trunk-00000002", "Tone: no"), headers(ami.next()));
    }

    @Test
    void hangupEndsTheOwnLegOnlyNeverTheCustomers() throws Exception {
        state.put(Fixture.call("c3", CallState.CONNECTED, Fixture.AGENT_201, "Local/201@agents-00000003;1"));
        assertTrue(run("agent201", "{\"command\":\"phone.hangup\",\"callId\":\"c3\"}").ok());
        assertEquals(List.of("Action: Hangup", "Channel: Local/201@agents-00000003;1"), headers(ami.next()));
        CommandResult admin = run("admin", "{\"command\":\"phone.hangup\",\"callId\":\"c3\"}");
        assertEquals("not_found", admin.error().code(), "an admin has no leg on the call: " + admin);
    }

    @Test
    void dndAndForwardingArePutInAstDbAndAnnounced() throws Exception {
        assertTrue(run("agent201", "{\"command\":\"phone.dnd.set\",\"enabled\":true}").ok());
        assertEquals(List.of("Action: DBPut", "Family: CTI_DND", "Key: 201", "Val: 1"), headers(ami.next()));
        assertTrue(run("sup", "{\"command\":\"phone.forward.set\",\"agent\":\"agent201\",\"kind\":\"noanswer\","
                + "\"target\":\"+4930123\"}").ok());
        assertEquals(List.of("Action: DBPut", "Family: CTI_FWD", "Key: 201/noanswer", "Val: +4930123"),
                headers(ami.next()));
        assertEquals(List.of("phone.dnd", "phone.forward"), events.stream().map(PhoneEvent::type).toList());
        assertEquals(List.of(Fixture.AGENT_201), events.get(0).ifaces());
        assertEquals("sup", events.get(1).payload().get("by"));

        CommandResult badTarget = run("agent201", "{\"command\":\"phone.forward.set\",\"kind\":\"busy\","
                + "\"target\":\"12\\r\\nAction: Hangup\"}");
        assertEquals("invalid_field", badTarget.error().code());
        CommandResult notMine = run("agent202", "{\"command\":\"phone.dnd.set\",\"enabled\":true,"
                + "\"agent\":\"agent201\"}");
        assertEquals("forbidden", notMine.error().code());

        ami.responder = a -> AmiMessage.of("Response", "Error", "Message", "Failed to update entry");
        CommandResult refused = run("agent201", "{\"command\":\"phone.dnd.set\",\"enabled\":false}");
        assertEquals("pbx_refused", refused.error().code());
        assertEquals("Failed to update entry", refused.error().asteriskMessage());
        assertEquals(2, events.size(), "no event for a refused DBPut");
    }

    @Test
    void agentsSeeTheirOwnPhoneAndWhatTheConfigAllowsOperatorsEverything() {
        PresenceAccess access = new PresenceAccess(phones);
        User agent1 = users.byName("agent1").orElseThrow();
        User sup = users.byName("sup").orElseThrow();
        assertTrue(access.sees(agent1, line("PJSIP/agent1", PhoneState.NOT_IN_USE)));
        assertTrue(access.sees(agent1, line("PJSIP/203", PhoneState.NOT_IN_USE)), "PJSIP/20* for every agent");
        assertFalse(access.sees(agent1, line("PJSIP/sipp-in", PhoneState.NOT_IN_USE)));
        assertTrue(access.sees(sup, line("PJSIP/sipp-in", PhoneState.NOT_IN_USE)));
        assertFalse(access.sees(agent1, new PresenceEntry("pbx2", "PJSIP/agent1", PresenceEntry.Kind.DEVICE,
                PhoneState.NOT_IN_USE, Registration.REGISTERED, List.of(), null, 1, 0)), "another PBX's line");
    }

    @Test
    void theHeaderVariableSplitsNameAndValueAtTheFirstColon() {
        assertEquals("PJSIP_HEADER(add,Call-Info)=answer-after=0",
                PhoneCommands.headerVariable("Call-Info: answer-after=0"));
        assertNull(new PhoneDevice("PJSIP/9", null, null, "yealink", "none", null, null, "none", null)
                .effectiveAutoAnswer());
    }

    private static PresenceEntry line(String id, PhoneState s) {
        return new PresenceEntry("pbx1", id, PresenceEntry.Kind.DEVICE, s, Registration.REGISTERED, List.of(), null,
                1, 0);
    }
}
