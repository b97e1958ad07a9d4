package io.ctiserver.server.gateway;

import io.ctiserver.kpi.KpiSnapshot;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What the gateway shows besides live state, computed elsewhere and injected by the wiring: the KPI snapshot (for the
 * supervisors' {@code kpi} event and {@code GET /api/kpis}) and routing's what-if ({@code GET /api/route}).
 */
public interface Reports {

    /** The latest KPI snapshot, or null when no KPI engine runs. Must not block. */
    KpiSnapshot kpis();

    /**
     * Where a call from {@code number} would go, without placing it. Completes with the decision (any
     * JSON-serialisable value), or exceptionally with {@link IllegalArgumentException} for a bad {@code time}, or
     * with {@link java.util.concurrent.RejectedExecutionException} when too many what-ifs wait already (the gateway
     * answers 429 with {@code Retry-After}). Must not block the caller: the decision runs elsewhere.
     *
     * @param time   ISO time as {@code route --dry-run --time} takes it, or null for now
     * @param dialed the dialled number, or null
     * @param ivr    IVR variables, e.g. {@code IVR_CHOICE=2}
     */
    CompletableFuture<Object> whatIf(String number, String time, String dialed, Map<String, String> ivr);

    /**
     * The per-medium figures of chat and email (the {@code media} of the {@code kpi} event and of
     * {@code GET /api/kpis}; any JSON-serialisable value), or null without omnichannel. Must not block.
     */
    default Object mediaKpis() {
        return null;
    }

    /** These reports with {@code media} as their {@link #mediaKpis()}. */
    static Reports withMedia(Reports r, java.util.function.Supplier<?> media) {
        return new Reports() {
            @Override
            public KpiSnapshot kpis() {
                return r.kpis();
            }

            @Override
            public CompletableFuture<Object> whatIf(String number, String time, String dialed,
                                                    Map<String, String> ivr) {
                return r.whatIf(number, time, dialed, ivr);
            }

            @Override
            public Object mediaKpis() {
                return media.get();
            }
        };
    }

    /** No KPIs, no routing. */
    Reports NONE = new Reports() {
        @Override
        public KpiSnapshot kpis() {
            return null;
        }

        @Override
        public CompletableFuture<Object> whatIf(String number, String time, String dialed, Map<String, String> ivr) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException("routing is not configured"));
        }
    };
}
