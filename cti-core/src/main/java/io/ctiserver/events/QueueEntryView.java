package io.ctiserver.events;

import java.time.Instant;

/** A caller waiting in a queue. */
public record QueueEntryView(String callId, int position, String callerNumber, Instant joinedAt) {
}
