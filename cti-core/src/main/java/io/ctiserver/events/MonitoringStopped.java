package io.ctiserver.events;

import java.time.Instant;

/** Recording or supervision of a call stopped. */
public record MonitoringStopped(String pbx, Instant time, String callId, MonitorKind kind, String by, String detail) implements CtiEvent {
    @Override
    public String type() {
        return "monitoring.stopped";
    }
}
