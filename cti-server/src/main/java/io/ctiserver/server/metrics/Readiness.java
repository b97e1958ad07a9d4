package io.ctiserver.server.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Every {@link ReadinessCheck} of the server; ready when all are. */
public final class Readiness {

    private final List<ReadinessCheck> checks = new CopyOnWriteArrayList<>();

    public Readiness add(ReadinessCheck check) {
        checks.add(check);
        return this;
    }

    public Report report() {
        Map<String, ReadinessCheck.Status> results = new LinkedHashMap<>();
        boolean ready = true;
        for (ReadinessCheck c : checks) {
            ReadinessCheck.Status s;
            try {
                s = c.check();
            } catch (RuntimeException e) {
                s = ReadinessCheck.Status.notReady("check failed: " + e.getClass().getSimpleName());
            }
            results.put(c.name(), s);
            ready &= s.ready();
        }
        return new Report(ready, results);
    }

    /** What {@code GET /api/ready} answers: 200 when {@code ready}, else 503; each check's status either way. */
    public record Report(boolean ready, Map<String, ReadinessCheck.Status> checks) {
    }
}
