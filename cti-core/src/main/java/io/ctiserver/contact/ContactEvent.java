package io.ctiserver.contact;

import java.time.Instant;

/** What the {@link ContactRouter} tells the world; the server turns them into desktop events and AMI actions. */
public sealed interface ContactEvent {

    Instant time();

    /** Entered (or re-entered, after a transfer or a withdrawn offer) a queue. */
    record Queued(Instant time, ContactView contact) implements ContactEvent {
    }

    /** Offered to {@code contact.agent()} until {@code contact.offerExpires()}. */
    record Offered(Instant time, ContactView contact) implements ContactEvent {
    }

    /** The agent accepted. */
    record Accepted(Instant time, ContactView contact) implements ContactEvent {
    }

    /** The offer to {@code agent} ended without acceptance, or the owner lost it to a transfer. */
    record Withdrawn(Instant time, ContactView contact, String agent, Reason reason) implements ContactEvent {
        public enum Reason { DECLINED, TIMEOUT, TRANSFERRED, AGENT_AWAY, CLOSED }
    }

    /** The agent's first reply: the contact is answered. */
    record Answered(Instant time, ContactView contact) implements ContactEvent {
    }

    record Closed(Instant time, ContactRecord record) implements ContactEvent {
    }

    record LoadChanged(Instant time, AgentLoad load) implements ContactEvent {
    }

    /**
     * Chats now fill (or no longer fill) the agent: pause (unpause) their Asterisk queue membership with
     * {@code reason}, so that app_queue does not ring them.
     */
    record VoicePause(Instant time, String agent, boolean paused, String reason) implements ContactEvent {
    }
}
