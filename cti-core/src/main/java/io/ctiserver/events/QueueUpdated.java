package io.ctiserver.events;

import java.time.Instant;

/** A queue's waiting callers or members changed. */
public record QueueUpdated(String pbx, Instant time, QueueView queue) implements CtiEvent {
    @Override
    public String type() {
        return "queue.updated";
    }
}
