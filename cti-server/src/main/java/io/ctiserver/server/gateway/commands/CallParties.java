package io.ctiserver.server.gateway.commands;

import io.ctiserver.events.CallView;
import io.ctiserver.events.Party;
import io.ctiserver.server.gateway.auth.User;
import io.ctiserver.server.gateway.commands.CommandError.Code;

/** Which channel of a call an action goes to: the agent's leg, the customer's, the conference room. */
public final class CallParties {

    private CallParties() {
    }

    /** The agent's channel: the user's own leg if on the call, else the call's agent, else any agent leg. */
    public static String agentChannelOrNull(CallView c, User u) {
        Party fallback = null;
        for (Party p : c.parties()) {
            if (p.role() != Party.Role.AGENT || p.channel() == null) {
                continue;
            }
            if (u.iface() != null && u.iface().equalsIgnoreCase(p.iface())) {
                return p.channel();
            }
            if (fallback == null || (c.agentInterface() != null && c.agentInterface().equalsIgnoreCase(p.iface()))) {
                fallback = p;
            }
        }
        return fallback == null ? null : fallback.channel();
    }

    public static String agentChannel(CallView c, User u) {
        String ch = agentChannelOrNull(c, u);
        if (ch == null) {
            throw new CommandException(Code.NOT_FOUND, "call " + c.callId() + " has no agent channel yet");
        }
        return ch;
    }

    /** The customer's channel (or, without a caller party, the first party that is not the agent nor a supervisor). */
    public static String otherChannel(CallView c, String agentChannel) {
        String fallback = null;
        for (Party p : c.parties()) {
            if (p.channel() == null || p.channel().equals(agentChannel) || p.role() == Party.Role.SUPERVISOR) {
                continue;
            }
            if (p.role() == Party.Role.CALLER) {
                return p.channel();
            }
            if (fallback == null && p.role() != Party.Role.AGENT) {
                fallback = p.channel();
            }
        }
        if (fallback == null) {
            throw new CommandException(Code.NOT_FOUND, "call " + c.callId() + " has no other party");
        }
        return fallback;
    }

    /** The ConfBridge room of a call: the digits of its Linkedid (numeric, unique per call). */
    public static String room(CallView c) {
        String id = c.linkedId() != null ? c.linkedId() : c.callId();
        String digits = id.replaceAll("[^0-9]", "");
        if (digits.isEmpty()) {
            digits = Long.toString(id.hashCode() & 0x7fffffffL);
        }
        return digits.length() > 18 ? digits.substring(digits.length() - 18) : digits;
    }
}
