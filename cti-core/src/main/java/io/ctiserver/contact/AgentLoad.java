package io.ctiserver.contact;

import java.time.Instant;
import java.util.List;

/**
 * An agent's load per medium as desktops and supervisors see it.
 *
 * @param ready       available for digital contacts (logged in to the omnichannel router)
 * @param load        contacts held now (offered or active) per medium; voice is 1 while the phone rings or talks
 * @param voiceBlocked chats fill the agent: no calls are offered (the queue member is paused {@code busy:chat})
 * @param since       when the load last changed
 */
public record AgentLoad(String agent, String team, List<String> queues, boolean ready, Capacity capacity,
                        Capacity load, boolean voiceBlocked, Instant since) {

    public AgentLoad {
        queues = List.copyOf(queues);
    }

    public int free(Medium m) {
        return Math.max(0, capacity.of(m) - load.of(m));
    }
}
