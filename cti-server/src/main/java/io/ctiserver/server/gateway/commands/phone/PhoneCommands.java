package io.ctiserver.server.gateway.commands.phone;

import static io.ctiserver.server.gateway.commands.CallParties.agentChannel;
import static io.ctiserver.server.gateway.commands.CallParties.otherChannel;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.ami.AmiResponse;
import io.ctiserver.events.CallView;
import io.ctiserver.events.Party;
import io.ctiserver.presence.PhoneState;
import io.ctiserver.presence.PresenceEntry;
import io.ctiserver.presence.PresenceView;
import io.ctiserver.server.gateway.auth.User;
import io.ctiserver.server.gateway.commands.CommandError.Code;
import io.ctiserver.server.gateway.commands.CommandException;
import io.ctiserver.server.gateway.commands.CommandFamily;
import io.ctiserver.server.gateway.commands.CommandResult;
import io.ctiserver.server.gateway.commands.CommandSupport;
import io.ctiserver.server.gateway.commands.Fields;
import io.ctiserver.server.gateway.commands.Invocation;
import io.ctiserver.server.gateway.presence.PhoneEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The agent's phone itself, not only the call inside Asterisk: answer it from the desktop (a NOTIFY the phone
 * obeys), click-to-dial that the phone answers by itself (an auto-answer header on the originated INVITE), hold
 * through the phone where it can, hang up the agent's own leg, and DND and call forwarding kept in AstDB for the
 * dialplan ({@code dialplans/cti-phones.conf}). What each phone accepts comes from {@link PhonesConfig}; a phone that
 * cannot do something gets {@code not_supported} saying why. See docs/phones.md.
 */
public final class PhoneCommands implements CommandFamily {

    public static final List<String> FORWARD_KINDS = List.of("unconditional", "busy", "noanswer");

    private final CommandSupport s;
    private final PhonesConfig phones;
    private final PresenceView presence;
    private final Consumer<PhoneEvent> events;

    public PhoneCommands(CommandSupport support, PhonesConfig phones, PresenceView presence,
                         Consumer<PhoneEvent> events) {
        this.s = support;
        this.phones = phones;
        this.presence = presence;
        this.events = events;
    }

    @Override
    public Set<String> commands() {
        return Set.of("phone.answer", "phone.dial", "phone.hangup", "phone.hold", "phone.unhold", "phone.dnd.set",
                "phone.forward.set", "phone.settings");
    }

    @Override
    public CompletableFuture<CommandResult> run(Invocation inv) {
        return switch (inv.name()) {
            case "phone.answer" -> answer(inv);
            case "phone.dial" -> dial(inv);
            case "phone.hangup" -> hangup(inv);
            case "phone.hold" -> hold(inv, true);
            case "phone.unhold" -> hold(inv, false);
            case "phone.dnd.set" -> dnd(inv);
            case "phone.forward.set" -> forward(inv);
            case "phone.settings" -> settings(inv);
            default -> throw new IllegalArgumentException(inv.name());
        };
    }

    // ---- answer, dial, hang up -----------------------------------------------------------------------------------

    /** PJSIPNotify to the phone's endpoint with the vendor's answer event ({@code Event: talk}). */
    private CompletableFuture<CommandResult> answer(Invocation inv) {
        User u = phoneUser(inv);
        PhoneDevice phone = phoneOf(u);
        inv.target(phone.device());
        requirePjsip(phone, "answer from the desktop");
        String event = phone.effectiveAnswerEvent();
        if (event == null) {
            throw new CommandException(Code.NOT_SUPPORTED, phone.device() + " (" + phone.vendorName()
                    + ") cannot be answered remotely: it accepts no answer NOTIFY; answer on the phone, or configure "
                    + "its answerEvent in phones.devices");
        }
        PresenceEntry line = presence.entry(u.pbx(), phone.device()).orElse(null);
        if (line != null && line.state() != PhoneState.RINGING && line.state() != PhoneState.RINGING_IN_USE
                && line.state() != PhoneState.UNKNOWN) {
            throw new CommandException(Code.NOT_FOUND, "nothing rings on " + phone.device() + " (it is "
                    + line.state().wire() + ")");
        }
        return s.send(u.pbx(), notify(phone, event), Map.of("device", phone.device(), "event", event));
    }

    /**
     * Click-to-dial the phone answers by itself: Originate to the phone with the auto-answer header added on that
     * outgoing leg by {@code Variable: PJSIP_HEADER(add,NAME)=VALUE}. Asterisk 22 sets Originate's variables on the
     * new channel after it is created and before it is called (pbx.c, pbx_outgoing_attempt), so the header is on the
     * INVITE; see docs/phones.md.
     */
    private CompletableFuture<CommandResult> dial(Invocation inv) {
        User u = inv.user();
        String number = inv.req().required("number", Fields.NUMBER, "a phone number (digits, +, *, #)");
        User agent = s.dialingFor(inv);
        PhoneDevice phone = phoneOf(agent);
        inv.target(agent.username() + "->" + number);
        String header = phone.isPjsip() ? phone.effectiveAutoAnswer() : null;
        AmiMessage.Builder b = AmiMessage.builder()
                .add("Action", "Originate")
                .add("Channel", phone.device())
                .add("Context", s.dialplan().dialContext())
                .add("Exten", number)
                .add("Priority", "1")
                .add("CallerID", "\"" + number + "\" <" + number + ">")
                .add("Timeout", Integer.toString(s.dialplan().originateTimeoutMs()))
                .add("Async", "true")
                .add("Variable", "CTI_ORIGINATED_BY=" + u.username());
        if (header != null) {
            b.add("Variable", headerVariable(header));
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("device", phone.device());
        data.put("autoAnswer", header != null);
        if (header != null) {
            data.put("header", header);
        }
        return s.send(agent.pbx(), b.build(), data);
    }

    /** {@code Call-Info: answer-after=0} as {@code PJSIP_HEADER(add,Call-Info)=answer-after=0}. */
    public static String headerVariable(String header) {
        int colon = header.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("auto-answer header must be 'Name: value': " + header);
        }
        return "PJSIP_HEADER(add," + header.substring(0, colon).trim() + ")=" + header.substring(colon + 1).trim();
    }

    /** Hangs up the user's own leg only, never the customer's: unlike {@code hangup}, no fallback to another leg. */
    private CompletableFuture<CommandResult> hangup(Invocation inv) {
        CallView c = s.controlledCall(inv);
        String own = ownLeg(c, inv.user());
        return s.send(c.pbx(), AmiMessage.of("Action", "Hangup", "Channel", own), Map.of("channel", own));
    }

    private String ownLeg(CallView c, User u) {
        PhoneDevice phone = phones.phoneOf(u).orElse(null);
        for (Party p : c.parties()) {
            if (p.channel() == null) {
                continue;
            }
            boolean mine = (u.iface() != null && u.iface().equalsIgnoreCase(p.iface()))
                    || (phone != null && p.channel().regionMatches(true, 0, phone.device() + "-", 0,
                    phone.device().length() + 1));
            if (mine) {
                return p.channel();
            }
        }
        throw new CommandException(Code.NOT_FOUND, "you have no leg on call " + c.callId());
    }

    // ---- hold ----------------------------------------------------------------------------------------------------

    /**
     * Through the phone (NOTIFY hold / resume: the bridge and app_queue's call stay intact) where the device accepts
     * it, else the Redirect way of {@code hold} (both legs leave the bridge; {@code unhold} bridges them again).
     */
    private CompletableFuture<CommandResult> hold(Invocation inv, boolean on) {
        CallView c = s.controlledCall(inv);
        User u = inv.user();
        PhoneDevice phone = phones.phoneOf(u).orElse(null);
        if (phone != null && phone.holdsByNotify()) {
            String event = on ? phone.effectiveHoldEvent() : phone.effectiveResumeEvent();
            return s.send(c.pbx(), notify(phone, event), Map.of("method", "notify", "event", event));
        }
        String agent = agentChannel(c, u);
        String other = otherChannel(c, agent);
        var dp = s.dialplan();
        AmiMessage action = on
                ? AmiMessage.builder().add("Action", "Redirect")
                        .add("Channel", other).add("Context", dp.holdContext()).add("Exten", dp.holdExten())
                        .add("Priority", "1")
                        .add("ExtraChannel", agent).add("ExtraContext", dp.holdContext())
                        .add("ExtraExten", dp.parkExten()).add("ExtraPriority", "1").build()
                : AmiMessage.of("Action", "Bridge", "Channel1", agent, "Channel2", other, "Tone", "no");
        return s.send(c.pbx(), action, Map.of("method", "redirect"));
    }

    // ---- DND and forwarding --------------------------------------------------------------------------------------

    private CompletableFuture<CommandResult> dnd(Invocation inv) {
        boolean enabled = inv.req().requiredBoolean("enabled");
        Target t = target(inv);
        AmiMessage put = AmiMessage.of("Action", "DBPut", "Family", phones.dndFamily(), "Key", t.extension,
                "Val", enabled ? "1" : "0");
        Map<String, Object> payload = t.payload();
        payload.put("enabled", enabled);
        payload.put("by", inv.user().username());
        payload.put("source", "desktop");
        return published(s.send(t.pbx, put, payload), "phone.dnd", t, payload);
    }

    private CompletableFuture<CommandResult> forward(Invocation inv) {
        String kind = inv.req().required("kind");
        if (!FORWARD_KINDS.contains(kind)) {
            throw new CommandException(Code.INVALID_FIELD, "field 'kind' must be one of " + FORWARD_KINDS);
        }
        String target = inv.req().optional("target");
        if (target != null && !target.isEmpty() && !Fields.NUMBER.matcher(target).matches()) {
            throw new CommandException(Code.INVALID_FIELD, "field 'target' must be a phone number (digits, +, *, #),"
                    + " or empty to switch forwarding off");
        }
        Target t = target(inv);
        String value = target == null ? "" : target;
        AmiMessage put = AmiMessage.of("Action", "DBPut", "Family", phones.forwardFamily(),
                "Key", t.extension + "/" + kind, "Val", value);
        Map<String, Object> payload = t.payload();
        payload.put("kind", kind);
        payload.put("target", value.isEmpty() ? null : value);
        payload.put("by", inv.user().username());
        payload.put("source", "desktop");
        return published(s.send(t.pbx, put, payload), "phone.forward", t, payload);
    }

    /** DND and the three forwards as AstDB holds them now (a key never set counts as off). */
    private CompletableFuture<CommandResult> settings(Invocation inv) {
        Target t = target(inv);
        CompletableFuture<String> dnd = dbGet(t.pbx, phones.dndFamily(), t.extension);
        List<CompletableFuture<String>> fwd = new ArrayList<>();
        for (String kind : FORWARD_KINDS) {
            fwd.add(dbGet(t.pbx, phones.forwardFamily(), t.extension + "/" + kind));
        }
        return CompletableFuture.allOf(dnd, fwd.get(0), fwd.get(1), fwd.get(2)).thenApply(v -> {
            Map<String, Object> data = t.payload();
            data.put("dnd", "1".equals(dnd.join()));
            Map<String, Object> forward = new LinkedHashMap<>();
            for (int i = 0; i < FORWARD_KINDS.size(); i++) {
                String val = fwd.get(i).join();
                forward.put(FORWARD_KINDS.get(i), val == null || val.isEmpty() ? null : val);
            }
            data.put("forward", forward);
            PhoneDevice phone = t.phone;
            if (phone != null) {
                Map<String, Object> can = new LinkedHashMap<>();
                can.put("answer", phone.isPjsip() && phone.effectiveAnswerEvent() != null);
                can.put("autoAnswer", phone.isPjsip() && phone.effectiveAutoAnswer() != null);
                can.put("holdByPhone", phone.holdsByNotify());
                data.put("vendor", phone.vendorName());
                data.put("capabilities", can);
            }
            return CommandResult.success(data);
        });
    }

    /** The value at family/key, or null when AstDB has none ("Database entry not found"). */
    private CompletableFuture<String> dbGet(String pbx, String family, String key) {
        return s.sendRaw(pbx, AmiMessage.of("Action", "DBGet", "Family", family, "Key", key))
                .thenApply(PhoneCommands::dbValue);
    }

    static String dbValue(AmiResponse r) {
        if (!r.isSuccess()) {
            return null;
        }
        for (AmiMessage e : r.events()) {
            if ("DBGetResponse".equals(e.eventName())) {
                return e.get("Val", "");
            }
        }
        return null;
    }

    private CompletableFuture<CommandResult> published(CompletableFuture<CommandResult> sent, String type, Target t,
                                                       Map<String, Object> payload) {
        return sent.thenApply(r -> {
            if (r.ok()) {
                events.accept(new PhoneEvent(type, s.clock().instant(), t.pbx, payload, t.ifaces()));
            }
            return r;
        });
    }

    /** Whose phone a DND or forward command is about: your own; a supervisor's named {@code agent}. */
    private Target target(Invocation inv) {
        User u = phoneUser(inv);
        PhoneDevice phone = phoneOf(u);
        inv.target(phone.effectiveExtension());
        return new Target(u.pbx(), phone.effectiveExtension(), phone);
    }

    private final class Target {
        final String pbx;
        final String extension;
        final PhoneDevice phone;

        Target(String pbx, String extension, PhoneDevice phone) {
            this.pbx = pbx;
            this.extension = extension;
            this.phone = phone;
        }

        Map<String, Object> payload() {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("extension", extension);
            p.put("device", phone == null ? null : phone.device());
            return p;
        }

        /** The queue-member interfaces of the users at this extension: they get the event. */
        List<String> ifaces() {
            return phones.usersAt(pbx, extension, s.users().all()).stream().map(User::iface).toList();
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    /** The user whose phone is meant: yourself, or (supervisors, admins) the {@code agent} named. */
    private User phoneUser(Invocation inv) {
        User u = inv.user();
        String name = inv.req().optional("agent");
        if (name == null || name.equals(u.username())) {
            return u;
        }
        if (!u.role().supervises()) {
            throw new CommandException(Code.FORBIDDEN, "only supervisors may act on another agent's phone");
        }
        return s.users().byName(name)
                .orElseThrow(() -> new CommandException(Code.NOT_FOUND, "no user '" + name + "'"));
    }

    private PhoneDevice phoneOf(User u) {
        return phones.phoneOf(u).orElseThrow(() -> new CommandException(Code.NOT_SUPPORTED,
                "no phone configured for '" + u.username() + "' (no device, no phones.devices entry)"));
    }

    private static void requirePjsip(PhoneDevice phone, String what) {
        if (!phone.isPjsip()) {
            throw new CommandException(Code.NOT_SUPPORTED, "cannot " + what + " on " + phone.device()
                    + ": only PJSIP phones take a NOTIFY (PJSIPNotify); configure the agent's PJSIP phone in "
                    + "phones.devices");
        }
    }

    private static AmiMessage notify(PhoneDevice phone, String event) {
        return AmiMessage.of("Action", "PJSIPNotify", "Endpoint", phone.endpoint(), "Variable", "Event=" + event);
    }

}
