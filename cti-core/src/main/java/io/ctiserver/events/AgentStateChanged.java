package io.ctiserver.events;

import java.time.Instant;

/** An agent's derived state changed (or its pause reason, or its call). */
public record AgentStateChanged(String pbx, Instant time, AgentView agent, AgentState previous) implements CtiEvent {
    @Override
    public String type() {
        return "agent.state";
    }
}
