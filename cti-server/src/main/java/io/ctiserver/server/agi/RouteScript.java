package io.ctiserver.server.agi;

import io.ctiserver.routing.RouteDecision;
import io.ctiserver.routing.RouteRequest;
import io.ctiserver.routing.RoutingService;
import io.ctiserver.server.agi.codec.AgiRequest;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code agi://cti:4573/route,${EXTEN},${CALLERID(num)}}: asks routing where the call goes and hands the answer to
 * the dialplan as {@code CTI_*} channel variables (the contract in docs/routing.md).
 *
 * <p>The dialog: {@code GET VARIABLE CHANNEL(linkedid)} (the call id), {@code GET VARIABLE} for each configured IVR
 * variable, the decision (within the routing deadline), then {@code SET VARIABLE} for each CTI_* variable. Argument
 * 1 is the dialled number (default {@code agi_extension}), argument 2 the caller's number (default
 * {@code agi_callerid}).
 */
public final class RouteScript implements AgiScript {

    private static final Logger LOG = LoggerFactory.getLogger(RouteScript.class);

    private final RoutingService routing;
    private final List<String> ivrVariables;
    private final Clock clock;

    public RouteScript(RoutingService routing, List<String> ivrVariables, Clock clock) {
        this.routing = routing;
        this.ivrVariables = List.copyOf(ivrVariables);
        this.clock = clock;
    }

    @Override
    public String name() {
        return "route";
    }

    @Override
    public CompletionStage<?> run(AgiSession session) {
        AgiRequest req = session.request();
        Map<String, String> ivr = new LinkedHashMap<>();
        String[] linkedid = new String[1];
        CompletableFuture<?> reads = session.getVariable("CHANNEL(linkedid)")
                .thenAccept(v -> linkedid[0] = v.filter(s -> !s.isEmpty()).orElse(null));
        for (String name : ivrVariables) {
            reads = reads.thenCompose(x -> session.getVariable(name))
                    .thenAccept(v -> v.filter(s -> !s.isEmpty()).ifPresent(s -> ivr.put(name, s)));
        }
        return reads
                .thenCompose(x -> routing.route(new RouteRequest(req.uniqueid(), linkedid[0], req.channel(),
                        firstNonEmpty(req.arg(2), req.callerIdNumber()), req.callerIdName(),
                        firstNonEmpty(req.arg(1), req.extension()), ivr, clock.instant())))
                .thenCompose(decision -> hand(session, decision));
    }

    private static CompletableFuture<Void> hand(AgiSession session, RouteDecision d) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("route {} ({}): {} prio {} agent {}: {}", d.callId(), d.callerNumber(), d.queue(), d.priority(),
                    d.agentInterface(), d.reason());
        }
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (Map.Entry<String, String> v : d.variables().entrySet()) {
            chain = chain.thenCompose(x -> session.setVariable(v.getKey(), v.getValue()));
        }
        return chain;
    }

    private static String firstNonEmpty(String a, String b) {
        return a != null && !a.isEmpty() ? a : b;
    }
}
