package io.ctiserver.server.agi;

import io.ctiserver.routing.RouteRequest;
import io.ctiserver.routing.RoutingService;
import io.ctiserver.server.agi.codec.AgiRequest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code agi://cti:4573/route,${EXTEN},${CALLERID(num)}}: asks routing where the call goes and hands the answer to
 * the dialplan as {@code CTI_*} channel variables (the contract in docs/routing.md).
 *
 * <p>The dialog is two round trips: one read of {@code CHANNEL(linkedid)} (the call id) and every configured IVR
 * variable, the decision (within the routing deadline), then one write of every CTI_* variable ({@link VariableBatch};
 * with batching off, one command per variable). Argument
 * 1 is the dialled number (default {@code agi_extension}), argument 2 the caller's number (default
 * {@code agi_callerid}).
 */
public final class RouteScript implements AgiScript {

    private static final Logger LOG = LoggerFactory.getLogger(RouteScript.class);
    private static final String LINKEDID = "CHANNEL(linkedid)";

    private final RoutingService routing;
    private final List<String> ivrVariables;
    /** What every session reads before the decision: the call id, then the IVR data. */
    private final List<String> reads;
    private final Clock clock;

    public RouteScript(RoutingService routing, List<String> ivrVariables, Clock clock) {
        this.routing = routing;
        this.ivrVariables = List.copyOf(ivrVariables);
        List<String> r = new ArrayList<>(1 + ivrVariables.size());
        r.add(LINKEDID);
        r.addAll(ivrVariables);
        this.reads = List.copyOf(r);
        this.clock = clock;
    }

    @Override
    public String name() {
        return "route";
    }

    @Override
    public CompletionStage<?> run(AgiSession session) {
        AgiRequest req = session.request();
        return session.getVariables(reads)
                .thenCompose(values -> {
                    Map<String, String> ivr = new LinkedHashMap<>();
                    for (String name : ivrVariables) {
                        String v = values.get(name);
                        if (v != null && !v.isEmpty()) {
                            ivr.put(name, v);
                        }
                    }
                    String linkedid = values.get(LINKEDID);
                    return routing.route(new RouteRequest(req.uniqueid(),
                            linkedid == null || linkedid.isEmpty() ? null : linkedid, req.channel(),
                            firstNonEmpty(req.arg(2), req.callerIdNumber()), req.callerIdName(),
                            firstNonEmpty(req.arg(1), req.extension()), ivr, clock.instant()));
                })
                .thenCompose(decision -> {
                    if (LOG.isDebugEnabled()) {
                        LOG.debug("route {} ({}): {} prio {} agent {}: {}", decision.callId(),
                                decision.callerNumber(), decision.queue(), decision.priority(),
                                decision.agentInterface(), decision.reason());
                    }
                    return session.setVariables(decision.variables());
                });
    }

    private static String firstNonEmpty(String a, String b) {
        return a != null && !a.isEmpty() ? a : b;
    }
}
