package io.ctiserver.server.metrics;

import io.ctiserver.server.agi.FastAgiServer;

/** Ready while the FastAGI server listens: without it every call takes the dialplan's safe default route. */
public record FastAgiReadiness(FastAgiServer server) implements ReadinessCheck {

    @Override
    public String name() {
        return "fastagi";
    }

    @Override
    public Status check() {
        int port = server.port();
        return port > 0 ? Status.ready("listening on " + port) : Status.notReady("not listening");
    }
}
