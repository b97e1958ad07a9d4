package io.ctiserver.tracker;

import io.ctiserver.events.AgentState;
import io.ctiserver.events.AgentView;
import java.util.ArrayList;
import java.util.List;

/** The person behind a member interface, across all the queues it is a member of. */
final class Agent {

    final String iface;
    final String device;
    String memberName;
    final List<QueueMember> memberships = new ArrayList<>(2);
    Call ringingCall;
    Call call;
    long wrapUpUntil;
    AgentView view;

    Agent(String iface) {
        this.iface = iface;
        this.device = Channel.deviceOfInterface(iface);
    }

    AgentState derive(long now) {
        if (memberships.isEmpty()) {
            return AgentState.LOGGED_OUT;
        }
        if (call != null) {
            return AgentState.ON_CALL;
        }
        if (ringingCall != null) {
            return AgentState.RINGING;
        }
        if (wrapUpUntil > now) {
            return AgentState.WRAP_UP;
        }
        if (pausedMembership() != null) {
            return AgentState.PAUSED;
        }
        boolean unavailable = true;
        for (QueueMember m : memberships) {
            // 4 invalid, 5 unavailable: the device is not registered, so nobody is there to take a call.
            unavailable &= m.status == 4 || m.status == 5;
        }
        return unavailable ? AgentState.LOGGED_OUT : AgentState.AVAILABLE;
    }

    /** A membership when every membership is paused (a pause in one queue still leaves the agent reachable). */
    QueueMember pausedMembership() {
        for (QueueMember m : memberships) {
            if (!m.paused) {
                return null;
            }
        }
        return memberships.isEmpty() ? null : memberships.get(0);
    }
}
