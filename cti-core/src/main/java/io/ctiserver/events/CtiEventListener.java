package io.ctiserver.events;

/** Receives domain events in the order the tracker emitted them, on the tracker's thread: do not block. */
@FunctionalInterface
public interface CtiEventListener {
    void onEvent(CtiEvent event);
}
