package io.ctiserver.routing;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes a request: looks the caller up, applies the {@link Router} rules and publishes the decision, all within the
 * configured deadline. When the deadline passes (a slow or dead CRM) the answer is the default queue and the log says
 * why: a call is never held by a lookup. A lookup that fails fast is not fatal either: the rules run without a
 * customer.
 */
public final class RoutingService {

    private static final Logger LOG = LoggerFactory.getLogger(RoutingService.class);

    private final Router router;
    private final CustomerDirectory directory;
    private final RouteDecisionListener listener;
    private final long deadlineMillis;

    public RoutingService(Router router, CustomerDirectory directory, RouteDecisionListener listener) {
        this.router = router;
        this.directory = directory;
        this.listener = listener == null ? d -> { } : listener;
        this.deadlineMillis = router.config().deadlineMillis();
    }

    public Router router() {
        return router;
    }

    /** Never completes exceptionally; completes within the deadline (plus scheduling delay). */
    public CompletableFuture<RouteDecision> route(RouteRequest req) {
        long start = System.nanoTime();
        CompletableFuture<Optional<Customer>> lookup;
        try {
            lookup = directory.findByNumber(req.callerNumber());
        } catch (RuntimeException e) {
            lookup = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<RouteDecision> decided = lookup
                .handle((customer, error) -> error == null
                        ? router.decide(req, customer.orElse(null), null, start)
                        : router.decide(req, null, "customer lookup failed (" + rootMessage(error) + ")", start));
        if (!decided.isDone()) {
            decided = decided.completeOnTimeout(null, deadlineMillis, TimeUnit.MILLISECONDS);
        }
        return decided.handle((d, error) -> {
            RouteDecision result = d;
            if (error != null) {
                LOG.error("routing {} from {} failed: {}", req.callId(), req.callerNumber(), rootMessage(error), error);
                result = router.fallback(req, "routing error (" + rootMessage(error) + ")", start);
            } else if (d == null) {
                LOG.warn("routing {} from {}: no decision within the {} ms deadline (customer lookup too slow); "
                        + "default queue {}", req.callId(), req.callerNumber(), deadlineMillis,
                        router.config().defaultQueue());
                result = router.fallback(req, "no decision within " + deadlineMillis
                        + " ms (customer lookup too slow)", start);
            }
            publish(result);
            return result;
        });
    }

    private void publish(RouteDecision d) {
        try {
            listener.onRouteDecision(d);
        } catch (RuntimeException e) {
            LOG.error("route decision listener failed for call {}", d.callId(), e);
        }
    }

    static String rootMessage(Throwable t) {
        while ((t instanceof CompletionException || t.getCause() != null && t.getMessage() == null)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": "
                + t.getMessage();
    }
}
