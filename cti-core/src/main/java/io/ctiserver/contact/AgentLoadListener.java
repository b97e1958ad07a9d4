package io.ctiserver.contact;

import java.time.Instant;

/**
 * Told, on the omnichannel engine's thread, every change of an agent's load ({@link ContactEvent.LoadChanged}) and
 * the passing of time (about every second): cti-server's storage keeps the time agents held chats and emails this
 * way. It must not block.
 */
public interface AgentLoadListener {

    AgentLoadListener NONE = (l, at) -> { };

    /** An agent's new load at {@code at}. */
    void load(AgentLoad load, Instant at);

    /** Time passes ({@code now}, about every second). */
    default void tick(Instant now) {
    }
}
