package io.ctiserver.events;

import java.time.Instant;

/** A resync snapshot was applied after a connect, reconnect or PBX restart; the differences were emitted before this event. */
public record StateReconciled(String pbx, Instant time, int callsEnded, int callsAdded, int membersChanged) implements CtiEvent {
    @Override
    public String type() {
        return "state.reconciled";
    }
}
