package io.ctiserver.server.gateway.http;

import io.ctiserver.events.CtiStateView;
import io.ctiserver.server.gateway.GatewayConfig;
import io.ctiserver.server.gateway.Reports;
import io.ctiserver.server.gateway.StoredData;
import io.ctiserver.server.gateway.auth.TokenService;
import io.ctiserver.server.gateway.auth.UserDirectory;
import io.ctiserver.server.gateway.commands.CommandHandler;
import io.ctiserver.server.gateway.events.EventFanout;
import io.ctiserver.server.gateway.session.SessionRegistry;
import io.ctiserver.server.metrics.Operations;
import java.util.concurrent.Executor;

/** What the HTTP and WebSocket handlers share. */
public record GatewayServices(
        GatewayConfig config,
        UserDirectory users,
        TokenService tokens,
        SessionRegistry sessions,
        EventFanout fanout,
        CommandHandler commands,
        CtiStateView state,
        Executor loginExecutor,
        Reports reports,
        Operations operations,
        TokenConnections connections,
        StoredData stored) {
}
