package io.ctiserver.server.fuzz;

import io.ctiserver.events.CtiStateView;
import io.ctiserver.kpi.KpiSnapshot;
import io.ctiserver.routing.RouteDryRun;
import io.ctiserver.routing.RoutingConfig;
import io.ctiserver.server.gateway.CustomerLookup;
import io.ctiserver.server.gateway.GatewayConfig;
import io.ctiserver.server.gateway.Reports;
import io.ctiserver.server.gateway.StoredData;
import io.ctiserver.server.gateway.auth.TokenService;
import io.ctiserver.server.gateway.auth.UserDirectory;
import io.ctiserver.server.gateway.events.EventFanout;
import io.ctiserver.server.gateway.http.GatewayServices;
import io.ctiserver.server.gateway.http.TokenConnections;
import io.ctiserver.server.gateway.session.SessionRegistry;
import io.ctiserver.server.metrics.Operations;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The gateway's services for the REST and WebSocket targets, with no network and no PBX: the state of
 * {@link FuzzTargets#oneCall}, commands answered by {@link FuzzTargets#commandHandler}, the route what-if parsing its
 * time as the real one does, and a valid token of the admin and of an agent.
 */
record FuzzGateway(GatewayServices services, String adminToken, String agentToken) {

    static FuzzGateway create() {
        GatewayConfig config = FuzzTargets.gatewayConfig();
        UserDirectory dir = new UserDirectory(config.users(), "pbx1");
        TokenService tokens = new TokenService(Clock.systemUTC(), 24 * 3600);
        CtiStateView state = FuzzTargets.oneCall();
        SessionRegistry sessions = new SessionRegistry(config);
        RoutingConfig routing = RoutingConfig.defaults();
        Reports reports = new Reports() {
            @Override
            public KpiSnapshot kpis() {
                return null;
            }

            @Override
            public CompletableFuture<Object> whatIf(String number, String time, String dialed,
                                                    Map<String, String> ivr) {
                try {
                    return CompletableFuture.completedFuture(Map.of("number", number,
                            "time", RouteDryRun.parseTime(time, routing).toString(), "ivr", ivr));
                } catch (RuntimeException e) {
                    return CompletableFuture.failedFuture(e);
                }
            }
        };
        GatewayServices services = new GatewayServices(config, dir, tokens, sessions,
                new EventFanout(sessions, state, CustomerLookup.FROM_CALL_DATA, "", Clock.systemUTC(), 16),
                FuzzTargets.commandHandler(config, dir, state), state, Runnable::run, reports, Operations.NONE,
                new TokenConnections(), StoredData.NONE);
        return new FuzzGateway(services, tokens.issue(dir.byName("admin").orElseThrow()).token(),
                tokens.issue(dir.byName("agent201").orElseThrow()).token());
    }
}
