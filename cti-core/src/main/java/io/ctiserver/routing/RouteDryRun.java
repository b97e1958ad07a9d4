package io.ctiserver.routing;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The what-if tool: where would a call from this number go at this time with this IVR data? Runs the same rules and
 * lookup (and the same deadline) as a real call, without a call and without publishing the decision. Backs
 * {@code route --dry-run} and the gateway's {@code GET /api/route?number=...&time=...}.
 */
public final class RouteDryRun {

    private final RoutingService service;

    /** @param router built with the live QueueLoad and CallHistory, or with {@link QueueLoad#unknown()} offline */
    public RouteDryRun(Router router, CustomerDirectory directory) {
        this.service = new RoutingService(router, directory, null);
    }

    /**
     * @param number  the caller's number
     * @param time    when the call would come (null: now)
     * @param dialed  the dialled number / service, or null
     * @param ivrData IVR variables, e.g. {@code IVR_CHOICE=2}
     */
    public RouteDecision explain(String number, Instant time, String dialed, Map<String, String> ivrData) {
        RouteRequest req = new RouteRequest("dry-run", null, null, number, null, dialed, ivrData,
                time == null ? Instant.now() : time);
        try {
            // the service answers within its deadline; the extra second only guards against a stuck executor
            return service.route(req).get(service.router().config().deadlineMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("dry run failed: " + e, e);
        }
    }

    /**
     * Parses a what-if time as the CLI and the REST endpoint take it: ISO with an offset ({@code 2026-11-23T20:15:00Z},
     * {@code 2026-11-23T20:15:00+01:00}) or a local date-time ({@code 2026-11-23T20:15}) in the business-hours zone
     * (UTC without hours); null or empty is now.
     *
     * @throws IllegalArgumentException when it is neither
     */
    public static Instant parseTime(String s, RoutingConfig config) {
        if (s == null || s.isBlank()) {
            return Instant.now();
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeException ignored) {
            // no offset: a local time in the business-hours zone
        }
        try {
            ZoneId zone = ZoneId.of(config.hours() == null ? "UTC" : config.hours().timeZone());
            return LocalDateTime.parse(s).atZone(zone).toInstant();
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("'" + s + "' is not an ISO date-time (e.g. 2026-11-23T20:15:00Z)");
        }
    }
}
