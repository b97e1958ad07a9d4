package io.ctiserver.server.storage;

import io.ctiserver.events.CallRecord;
import io.ctiserver.kpi.KpiEngine;
import io.ctiserver.routing.InMemoryCallHistory;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a restart, two memories start from the stored history instead of from nothing, before the trackers start:
 * routing's last agent (the answered calls of the last {@value #DAYS} days, at most {@value #MAX} of them), and the
 * KPI engine's repeat callers (the answered calls within the repeat-call window), so that first-call resolution holds
 * across restarts. With the database down the server starts anyway, with empty memories.
 */
public final class StorageWarmUp {

    private static final Logger LOG = LoggerFactory.getLogger(StorageWarmUp.class);
    static final int DAYS = 30;
    static final int MAX = 100_000;

    private StorageWarmUp() {
    }

    public static int lastAgents(Storage storage, InMemoryCallHistory history) {
        try {
            List<CallRecord> calls = storage.history().answeredSince(
                    System.currentTimeMillis() - Duration.ofDays(DAYS).toMillis(), MAX);
            for (int i = calls.size() - 1; i >= 0; i--) {
                history.record(calls.get(i));
            }
            LOG.info("last-agent memory warmed with {} stored calls", calls.size());
            return calls.size();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("could not read the stored history to warm the last-agent memory: {}", e.toString());
            return 0;
        }
    }

    /** The KPI engine's repeat-caller memory: the answered calls that ended within its repeat-call window. */
    public static int repeatCallers(Storage storage, KpiEngine kpis) {
        try {
            long window = kpis.settings().repeatCallWindow().toMillis();
            List<CallRecord> calls = storage.history().answeredSince(System.currentTimeMillis() - window, MAX);
            for (int i = calls.size() - 1; i >= 0; i--) {
                kpis.rememberAnsweredCall(calls.get(i));
            }
            LOG.info("repeat-caller memory warmed with {} stored calls", calls.size());
            return calls.size();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("could not read the stored history to warm the repeat-caller memory: {}", e.toString());
            return 0;
        }
    }
}
