package io.ctiserver.contact;

import java.time.Instant;

/**
 * A snapshot of a live contact.
 *
 * @param agent        the agent it is offered to or owned by, or null while queued
 * @param queuedAt     when it entered its first queue (wait is measured from here)
 * @param offerExpires when the current offer times out, or null
 * @param acceptedAt   when the owner accepted it
 * @param answeredAt   the agent's first reply (chat, email): the "answer" of the KPIs
 */
public record ContactView(Contact contact, ContactState state, String agent, Instant queuedAt, Instant offerExpires,
                          Instant acceptedAt, Instant answeredAt) {

    public String id() {
        return contact.id();
    }
}
