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

    /**
     * The agent's state now. {@code wrapUpReason} is the pause reason of the server's wrap-up: a member paused with it
     * in every queue is in wrap-up (the desktop's timer, the KPIs' wrap-up time), not on a break.
     */
    AgentState derive(long now, String wrapUpReason) {
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
        if (pausedMembership(wrapUpReason) != null) {
            return inWrapUpPause(wrapUpReason) ? AgentState.WRAP_UP : AgentState.PAUSED;
        }
        boolean unavailable = true;
        for (QueueMember m : memberships) {
            // 4 invalid, 5 unavailable: the device is not registered, so nobody is there to take a call.
            unavailable &= m.status == 4 || m.status == 5;
        }
        return unavailable ? AgentState.LOGGED_OUT : AgentState.AVAILABLE;
    }

    /**
     * A membership when every membership is paused (a pause in one queue still leaves the agent reachable): one whose
     * reason is not the wrap-up's when there is one, as a break of the agent's own says more than the wrap-up.
     */
    QueueMember pausedMembership(String wrapUpReason) {
        QueueMember shown = null;
        for (QueueMember m : memberships) {
            if (!m.paused) {
                return null;
            }
            if (shown == null || wrapUpReason.equals(shown.pausedReason) && !wrapUpReason.equals(m.pausedReason)) {
                shown = m;
            }
        }
        return shown;
    }

    /** Paused in every queue, each with the wrap-up reason. */
    boolean inWrapUpPause(String wrapUpReason) {
        for (QueueMember m : memberships) {
            if (!m.paused || !wrapUpReason.equals(m.pausedReason)) {
                return false;
            }
        }
        return !memberships.isEmpty();
    }
}
