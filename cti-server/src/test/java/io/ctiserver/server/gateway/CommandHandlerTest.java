package io.ctiserver.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.ami.AmiActionException;
import io.ctiserver.ami.AmiMessage;
import io.ctiserver.events.CallDirection;
import io.ctiserver.events.CallRecord;
import io.ctiserver.events.CallResult;
import io.ctiserver.events.CallState;
import io.ctiserver.events.CallView;
import io.ctiserver.events.EndedBy;
import io.ctiserver.events.Party;
import io.ctiserver.server.gateway.auth.User;
import io.ctiserver.server.gateway.auth.UserDirectory;
import io.ctiserver.server.gateway.commands.AuditLog;
import io.ctiserver.server.gateway.commands.CommandHandler;
import io.ctiserver.server.gateway.commands.CommandResult;
import io.ctiserver.server.gateway.commands.DispositionStore;
import io.ctiserver.server.gateway.events.EndedCall;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What each command sends to Asterisk (formats as in the captures' .sent.txt files), and who may send it. */
class CommandHandlerTest {

    private static final String AGENT_CH = "Local/201@agents-00000008;1";
    private static final String CALLER_CH = "PJSIP/trunk-00000002";

    private final FakeStateView state = new FakeStateView();
    private final FakeAmi ami = new FakeAmi();
    private final DispositionStore dispositions = new DispositionStore(100);
    private final List<Map<String, String>> attached = new ArrayList<>();
    private final Map<String, EndedCall> ended = new java.util.HashMap<>();
    private CommandHandler handler;
    private UserDirectory users;

    @BeforeEach
    void setUp() {
        GatewayConfig config = GatewayConfig.defaults().withUsers(Fixture.users());
        users = new UserDirectory(config.users(), "pbx1");
        handler = new CommandHandler(config, users, state, pbx -> pbx.equals("pbx1") ? ami : null,
                (pbx, callId, data) -> {
                    attached.add(data);
                    return CompletableFuture.completedFuture(state.call(callId).isPresent());
                }, ended::get, new AuditLog(100), dispositions,
                Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC));
        state.put(Fixture.call("c1", CallState.CONNECTED, Fixture.AGENT_201, AGENT_CH));
    }

    private CommandResult run(String user, String json) throws Exception {
        User u = users.byName(user).orElseThrow();
        return handler.handle(u, Json.MAPPER.readTree(json)).get();
    }

    private AmiMessage ok(String user, String json) throws Exception {
        CommandResult r = run(user, json);
        assertTrue(r.ok(), json + " -> " + r);
        return ami.next();
    }

    @Test
    void agentStateCommands() throws Exception {
        AmiMessage add = ok("agent201", "{\"command\":\"queue.login\",\"queue\":\"support\",\"penalty\":1}");
        assertEquals(List.of("Action", "Queue", "Interface", "MemberName", "Penalty", "Paused"),
                add.headers().stream().map(h -> h.key()).toList());
        assertEquals("QueueAdd", add.action());
        assertEquals(Fixture.AGENT_201, add.get("Interface"));
        assertEquals("Agent 201", add.get("MemberName"));

        AmiMessage remove = ok("agent201", "{\"command\":\"queue.logout\",\"queue\":\"support\"}");
        assertEquals(AmiMessage.of("Action", "QueueRemove", "Queue", "support", "Interface", Fixture.AGENT_201), remove);

        AmiMessage unpause = ok("agent201", "{\"command\":\"unpause\"}");
        assertEquals(AmiMessage.of("Action", "QueuePause", "Interface", Fixture.AGENT_201, "Paused", "false"), unpause);

        AmiMessage wrap = ok("agent201", "{\"command\":\"wrapup.end\"}");
        assertEquals("QueuePause", wrap.action());
        assertEquals("false", wrap.get("Paused"));

        AmiMessage forOther = ok("sup", "{\"command\":\"pause\",\"agent\":\"agent202\",\"reason\":\"Coaching\"}");
        assertEquals(Fixture.AGENT_202, forOther.get("Interface"));
        assertEquals("Coaching", forOther.get("Reason"));
    }

    @Test
    void holdRedirectsBothLegsAndUnholdBridgesThem() throws Exception {
        AmiMessage hold = ok("agent201", "{\"command\":\"hold\",\"callId\":\"c1\"}");
        assertEquals("Redirect", hold.action());
        assertEquals(CALLER_CH, hold.get("Channel"));
        assertEquals("cti-hold", hold.get("Context"));
        assertEquals("hold", hold.get("Exten"));
        assertEquals(AGENT_CH, hold.get("ExtraChannel"));
        assertEquals("wait", hold.get("ExtraExten"));

        AmiMessage unhold = ok("agent201", "{\"command\":\"unhold\",\"callId\":\"c1\"}");
        assertEquals(AmiMessage.of("Action", "Bridge", "Channel1", AGENT_CH, "Channel2", CALLER_CH, "Tone", "no"),
                unhold);
    }

    @Test
    void attendedTransferCompleteAndCancel() throws Exception {
        AmiMessage atxfer = ok("agent201", "{\"command\":\"transfer.attended\",\"callId\":\"c1\",\"target\":\"3\"}");
        assertEquals(AmiMessage.of("Action", "Atxfer", "Channel", AGENT_CH, "Exten", "3", "Context",
                "transfer-targets"), atxfer);

        CommandResult noLeg = run("agent201", "{\"command\":\"transfer.cancel\",\"callId\":\"c1\"}");
        assertEquals("not_found", noLeg.error().code());

        CallView c = state.call("c1").orElseThrow();
        List<Party> parties = new ArrayList<>(c.parties());
        parties.add(new Party(Party.Role.TRANSFER_TARGET, "Local/300@transfer-targets-0000000d;1", "9", null, null,
                "300"));
        state.put(new CallView(c.callId(), c.pbx(), c.linkedId(), c.direction(), c.state(), c.callerNumber(),
                c.callerName(), c.dialed(), c.queue(), c.agentInterface(), c.agentName(), c.startedAt(), c.queuedAt(),
                c.answeredAt(), c.recording(), parties, c.data()));
        assertEquals("Local/300@transfer-targets-0000000d;1",
                ok("agent201", "{\"command\":\"transfer.cancel\",\"callId\":\"c1\"}").get("Channel"));
        AmiMessage complete = ok("agent201", "{\"command\":\"transfer.complete\",\"callId\":\"c1\"}");
        assertEquals(AmiMessage.of("Action", "Hangup", "Channel", AGENT_CH), complete);
    }

    @Test
    void conferenceDtmfAndRecording() throws Exception {
        CommandResult conf = run("agent201", "{\"command\":\"conference\",\"callId\":\"c1\",\"target\":\"300\"}");
        assertTrue(conf.ok(), conf.toString());
        assertEquals("179545862645", conf.data().get("room"));
        AmiMessage redirect = ami.next();
        assertEquals("Redirect", redirect.action());
        assertEquals("cti-conference", redirect.get("Context"));
        assertEquals("179545862645", redirect.get("Exten"));
        assertEquals(AGENT_CH, redirect.get("ExtraChannel"));
        assertEquals("179545862645", redirect.get("ExtraExten"));
        AmiMessage dialOut = ami.next();
        assertEquals("Originate", dialOut.action());
        assertEquals("Local/300@from-agents", dialOut.get("Channel"));
        assertEquals("179545862645", dialOut.get("Exten"));

        assertTrue(run("agent201", "{\"command\":\"dtmf\",\"callId\":\"c1\",\"digits\":\"12#\"}").ok());
        for (String d : List.of("1", "2", "#")) {
            AmiMessage m = ami.next();
            assertEquals("PlayDTMF", m.action());
            assertEquals(CALLER_CH, m.get("Channel"));
            assertEquals(d, m.get("Digit"));
        }

        AmiMessage mix = ok("agent201", "{\"command\":\"record.start\",\"callId\":\"c1\"}");
        assertEquals("MixMonitor", mix.action());
        assertEquals(CALLER_CH, mix.get("Channel"));
        assertEquals("/var/spool/asterisk/monitor/c1-1795428000000.wav", mix.get("File"));
        assertEquals("b", mix.get("Options"));
        assertEquals(AmiMessage.of("Action", "StopMixMonitor", "Channel", CALLER_CH),
                ok("agent201", "{\"command\":\"record.stop\",\"callId\":\"c1\"}"));
    }

    @Test
    void asteriskErrorsAndLinkFailuresAreReported() throws Exception {
        ami.responder = a -> AmiMessage.of("Response", "Error", "Message", "No such channel");
        CommandResult r = run("agent201", "{\"command\":\"hangup\",\"callId\":\"c1\"}");
        assertEquals("pbx_refused", r.error().code());
        assertEquals("No such channel", r.error().asteriskMessage());

        ami.responder = a -> {
            throw new AmiActionException(AmiActionException.Reason.TIMEOUT, "timed out");
        };
        r = run("agent201", "{\"command\":\"hangup\",\"callId\":\"c1\"}");
        assertEquals("pbx_unavailable", r.error().code());
    }

    @Test
    void dispositionsAndAttachedData() throws Exception {
        assertTrue(run("agent201", "{\"command\":\"disposition\",\"callId\":\"c1\",\"code\":\"sale\",\"resolved\":true}")
                .ok());
        assertEquals("forbidden", run("agent202",
                "{\"command\":\"disposition\",\"callId\":\"c1\",\"code\":\"sale\",\"resolved\":true}").error().code());
        ended.put("old", EndedCall.of(new CallRecord("old", "pbx1", "1.1", CallDirection.INBOUND, "5551001", null,
                "5000", "support", "Agent 201", Fixture.AGENT_201, CallResult.ANSWERED, 1, 2, EndedBy.CALLER,
                List.of(), Instant.EPOCH, Instant.EPOCH, Instant.EPOCH, Map.of())));
        assertTrue(run("agent201", "{\"command\":\"disposition\",\"callId\":\"old\",\"code\":\"callback\","
                + "\"resolved\":false}").ok(), "after the call ended");
        assertEquals("missing_field", run("agent201", "{\"command\":\"disposition\",\"callId\":\"old\",\"code\":\"x\"}")
                .error().code());
        List<DispositionStore.Disposition> ds = dispositions.recent();
        assertEquals(2, ds.size());
        assertTrue(ds.get(0).resolved());
        assertFalse(ds.get(1).resolved());
        assertEquals("callback", ds.get(1).code());
        assertNull(ds.get(1).outcome());

        // a sales outcome and amount ride along; bad ones are refused naming the field
        assertTrue(run("agent201", "{\"command\":\"disposition\",\"callId\":\"c1\",\"code\":\"sale\","
                + "\"resolved\":true,\"outcome\":\"cross_sell\",\"amount\":49.9}").ok());
        DispositionStore.Disposition sale = dispositions.recent().get(2);
        assertEquals("cross_sell", sale.outcome());
        assertEquals(0, new java.math.BigDecimal("49.90").compareTo(sale.amount()));
        String bad = run("agent201", "{\"command\":\"disposition\",\"callId\":\"c1\",\"code\":\"sale\","
                + "\"resolved\":true,\"outcome\":\"maybe\"}").error().message();
        assertTrue(bad.startsWith("outcome"), bad);
        bad = run("agent201", "{\"command\":\"disposition\",\"callId\":\"c1\",\"code\":\"sale\","
                + "\"resolved\":true,\"outcome\":\"sale\",\"amount\":\"-3\"}").error().message();
        assertTrue(bad.startsWith("amount"), bad);
        assertEquals(3, dispositions.recent().size());

        assertTrue(run("agent201", "{\"command\":\"data.attach\",\"callId\":\"c1\",\"data\":{\"ORDER\":\"77\"}}").ok());
        assertEquals(List.of(Map.of("ORDER", "77")), attached);
        assertEquals("forbidden", run("agent202",
                "{\"command\":\"data.attach\",\"callId\":\"c1\",\"data\":{\"ORDER\":\"77\"}}").error().code());
        assertEquals("invalid_field", run("agent201",
                "{\"command\":\"data.attach\",\"callId\":\"c1\",\"data\":{\"bad key\":\"77\"}}").error().code());
        assertTrue(ami.sent.isEmpty());
    }

    @Test
    void commandsGoToTheCallsPbx() throws Exception {
        CallView c = Fixture.call("c9", CallState.CONNECTED, Fixture.AGENT_201, AGENT_CH);
        state.put(new CallView("c9", "pbx2", c.linkedId(), c.direction(), c.state(), c.callerNumber(), c.callerName(),
                c.dialed(), c.queue(), c.agentInterface(), c.agentName(), c.startedAt(), c.queuedAt(), c.answeredAt(),
                false, c.parties(), c.data()));
        CommandResult r = run("admin", "{\"command\":\"hangup\",\"callId\":\"c9\"}");
        assertEquals("pbx_unavailable", r.error().code(), "pbx2 has no sender here");
        assertTrue(ami.sent.isEmpty());
    }
}
