package io.ctiserver.contact;

import java.util.Map;

/**
 * The {@code omni.capacity} config: a default, then per team, then per agent (the most specific wins).
 *
 * <p>Blending: an agent on a voice call is offered no new chat; an agent whose chats reach
 * {@code voiceBlockedAtChats} (default: their whole chat capacity) is offered no call, and their queue membership in
 * Asterisk is paused with reason {@code busy:chat} until a chat ends. Email is not blocked by either: it waits in the
 * agent's inbox and takes no attention until opened.
 *
 * @param standard            the capacity of agents not named in {@code agents} nor in a team of {@code teams}
 * @param voiceBlockedAtChats chats at which voice stops; null = the agent's chat capacity
 */
public record CapacityConfig(Capacity standard, Map<String, Capacity> teams, Map<String, Capacity> agents,
                             Integer voiceBlockedAtChats) {

    public CapacityConfig {
        standard = standard == null ? Capacity.DEFAULT : standard;
        teams = teams == null ? Map.of() : Map.copyOf(teams);
        agents = agents == null ? Map.of() : Map.copyOf(agents);
        if (voiceBlockedAtChats != null && voiceBlockedAtChats < 1) {
            throw new IllegalArgumentException("omni.capacity.voiceBlockedAtChats must be at least 1");
        }
    }

    public static CapacityConfig defaultConfig() {
        return new CapacityConfig(null, null, null, null);
    }

    public Capacity forAgent(String agent, String team) {
        Capacity c = agents.get(agent);
        if (c == null && team != null) {
            c = teams.get(team);
        }
        return c == null ? standard : c;
    }

    /** The chat load at which an agent with capacity {@code cap} gets no more calls. */
    public int voiceBlockedAt(Capacity cap) {
        int at = voiceBlockedAtChats == null ? cap.chat() : voiceBlockedAtChats;
        return Math.max(1, at);
    }

    /** Whether an agent with {@code cap} and {@code load} may be offered one more contact of {@code m}. */
    public boolean canTake(Medium m, Capacity cap, Capacity load) {
        if (load.of(m) >= cap.of(m)) {
            return false;
        }
        return switch (m) {
            case VOICE -> load.chat() < voiceBlockedAt(cap);
            case CHAT -> load.voice() == 0;
            case EMAIL -> true;
        };
    }
}
