package io.ctiserver.server.run;

import io.ctiserver.kpi.KpiEngine;
import io.ctiserver.kpi.KpiSnapshot;
import io.ctiserver.routing.RouteDryRun;
import io.ctiserver.routing.RoutingConfig;
import io.ctiserver.server.gateway.Reports;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's KPIs and routing what-if. A what-if waits for routing's decision (up to its deadline), so it runs on
 * one small thread of its own rather than a Netty event loop; a bounded queue refuses a flood of them.
 */
final class ServerReports implements Reports, AutoCloseable {

    private final KpiEngine kpis;
    private final RouteDryRun dryRun;
    private final RoutingConfig routing;
    /** What-ifs that may wait for the one thread; beyond, one is refused (429). */
    static final int WAITING_WHAT_IFS = 64;

    private final ExecutorService whatIfs = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(WAITING_WHAT_IFS), r -> {
                Thread t = new Thread(r, "route-what-if");
                t.setDaemon(true);
                return t;
            });

    ServerReports(KpiEngine kpis, RouteDryRun dryRun, RoutingConfig routing) {
        this.kpis = kpis;
        this.dryRun = dryRun;
        this.routing = routing;
    }

    @Override
    public KpiSnapshot kpis() {
        return kpis.snapshot();
    }

    @Override
    public CompletableFuture<Object> whatIf(String number, String time, String dialed, Map<String, String> ivr) {
        try {
            return CompletableFuture.supplyAsync(
                    () -> dryRun.explain(number, RouteDryRun.parseTime(time, routing), dialed, ivr), whatIfs);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new java.util.concurrent.RejectedExecutionException(
                    "too many route what-ifs at once (1 running, " + WAITING_WHAT_IFS + " waiting); retry shortly"));
        }
    }

    @Override
    public void close() {
        whatIfs.shutdownNow();
    }
}
