package io.ctiserver.events;

import java.time.Instant;

/** Recording (MixMonitor) or supervision (ChanSpy) of a call started; {@code by} is the spying channel, or null for a recording. */
public record MonitoringStarted(String pbx, Instant time, String callId, MonitorKind kind, String by, String detail) implements CtiEvent {
    @Override
    public String type() {
        return "monitoring.started";
    }
}
