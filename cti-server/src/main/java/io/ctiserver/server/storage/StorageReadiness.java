package io.ctiserver.server.storage;

import io.ctiserver.server.metrics.ReadinessCheck;

/**
 * Ready while the database takes writes. While it does not, the server still works and loses nothing (records wait
 * in the journal), but history and reports are stale, so a load balancer or an operator should know.
 */
public record StorageReadiness(Storage storage) implements ReadinessCheck {

    @Override
    public String name() {
        return "storage";
    }

    @Override
    public Status check() {
        StorageHealth h = storage.health();
        String detail = h.status() + ", journal depth " + h.journalDepth();
        return "ok".equals(h.status()) ? Status.ready(detail) : Status.notReady(detail);
    }
}
