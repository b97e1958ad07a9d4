package io.ctiserver.server.fuzz;

import static io.ctiserver.server.fuzz.FuzzTarget.check;
import static io.ctiserver.server.fuzz.FuzzTargets.ascii;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.server.gateway.GatewayConfig;
import io.ctiserver.server.gateway.Json;
import io.ctiserver.server.gateway.auth.User;
import io.ctiserver.server.gateway.auth.UserDirectory;
import io.ctiserver.server.gateway.commands.CommandHandler;
import io.ctiserver.server.gateway.commands.CommandResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Any JSON a desktop sends, as the WebSocket and REST parse it, through the command handler as an admin (who may
 * do everything) and as an agent: an answer always, never an internal error, no AMI action with a control
 * byte (every action goes through the AMI encoder).
 */
final class CommandTarget implements FuzzTarget {
    private final List<User> actors;
    private final CommandHandler handler;

    CommandTarget() {
        GatewayConfig config = FuzzTargets.gatewayConfig();
        UserDirectory dir = new UserDirectory(config.users(), "pbx1");
        actors = List.of(dir.byName("admin").orElseThrow(), dir.byName("agent201").orElseThrow(),
                dir.byName("crm").orElseThrow());
        handler = FuzzTargets.commandHandler(config, dir, FuzzTargets.oneCall());
    }

    @Override
    public String name() {
        return "commands";
    }

    @Override
    public List<byte[]> seeds() {
        List<byte[]> s = new ArrayList<>();
        for (String c : List.of("{\"command\":\"hold\",\"callId\":\"c1\"}",
                "{\"command\":\"transfer.blind\",\"callId\":\"c1\",\"target\":\"300\",\"context\":\"x\"}",
                "{\"command\":\"dial\",\"number\":\"+15551234\",\"agent\":\"agent201\"}",
                "{\"command\":\"queue.login\",\"queue\":\"support\",\"penalty\":3,\"agent\":\"agent201\"}",
                "{\"command\":\"pause\",\"reason\":\"lunch\",\"queue\":\"sales\"}",
                "{\"command\":\"dtmf\",\"callId\":\"c1\",\"digits\":\"12#*A\"}",
                "{\"command\":\"conference\",\"callId\":\"c1\",\"target\":\"301\"}",
                "{\"command\":\"disposition\",\"callId\":\"c1\",\"code\":\"sale\",\"resolved\":true,\"notes\":\"n\"}",
                "{\"command\":\"data.attach\",\"callId\":\"c1\",\"data\":{\"K\":\"v\",\"L\":1}}",
                "{\"command\":\"monitor.barge\",\"callId\":\"c1\"}",
                "{\"command\":\"record.start\",\"callId\":\"c1\"}", "{\"command\":\"wrapup.end\"}",
                "{\"command\":\"transfer.cancel\",\"callId\":\"c1\"}", "[1,2]", "\"x\"", "null")) {
            s.add(ascii(c));
        }
        return s;
    }

    @Override
    public void run(byte[] in) throws Exception {
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(in);
        } catch (IOException e) {
            return; // invalid_json: answered before the handler
        }
        for (User u : actors) {
            CommandResult r = handler.handle(u, json).get(5, TimeUnit.SECONDS);
            check(r != null && (r.ok() || !r.error().code().equals("internal")), "internal error for " + u.username()
                    + ": " + r);
        }
    }
}
