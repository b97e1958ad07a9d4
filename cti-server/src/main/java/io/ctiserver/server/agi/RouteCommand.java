package io.ctiserver.server.agi;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.ctiserver.routing.CallHistory;
import io.ctiserver.routing.QueueLoad;
import io.ctiserver.routing.RouteDecision;
import io.ctiserver.routing.RouteDryRun;
import io.ctiserver.routing.Router;
import io.ctiserver.routing.RoutingConfig;
import io.ctiserver.server.cli.CliArgs;
import io.ctiserver.server.cli.UsageException;
import io.ctiserver.server.cli.Verb;
import io.ctiserver.server.config.ServerConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code route --dry-run NUMBER [--time T] [--dialed EXTEN] [--var NAME=VALUE]... [--config FILE]}: where would a
 * call from NUMBER go? Prints the decision as JSON (what the dialplan would receive, and why). Offline: no live queue
 * load and no call history, so overflow and last-agent rules do not fire.
 */
public final class RouteCommand implements Verb {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final PrintStream out;

    public RouteCommand() {
        this(System.out);
    }

    RouteCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public String name() {
        return "route";
    }

    @Override
    public String summary() {
        return "routing tools: 'route --dry-run NUMBER [--time T]' shows where a call would go";
    }

    @Override
    public String usage() {
        return """
                usage: java -jar cti-server.jar route --dry-run NUMBER [FLAGS]

                Shows, as JSON, where a call from NUMBER would go and why, with the rules of the config's
                'routing' section (no call placed; offline, so overflow and last-agent rules do not fire).

                flags:
                  --time T             when the call comes: 2026-11-23T20:15:00Z, 2026-11-23T20:15:00+01:00, or
                                       2026-11-23T20:15 (in the business-hours time zone); default now
                  --dialed EXTEN       the number dialled (skill rules on 'dialed')
                  --var NAME=VALUE     an IVR variable (repeatable), e.g. --var IVR_CHOICE=2
                  --config FILE        the server config (default: the bundled demo config)
                """;
    }

    @Override
    public int run(List<String> args) throws Exception {
        Map<String, String> vars = new LinkedHashMap<>();
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String v = null;
            if (a.equals("--var")) {
                if (i + 1 >= args.size()) {
                    throw new UsageException("flag --var needs NAME=VALUE");
                }
                v = args.get(++i);
            } else if (a.startsWith("--var=")) {
                v = a.substring(6);
            }
            if (v != null) {
                int eq = v.indexOf('=');
                if (eq <= 0) {
                    throw new UsageException("flag --var needs NAME=VALUE, got '" + v + "'");
                }
                vars.put(v.substring(0, eq), v.substring(eq + 1));
            } else {
                rest.add(a);
            }
        }
        CliArgs cli = CliArgs.parse(rest, Set.of("time", "config", "dialed"), Set.of("dry-run"));
        if (!cli.flag("dry-run")) {
            throw new UsageException("only --dry-run is supported");
        }
        if (cli.positional().size() != 1) {
            throw new UsageException("give exactly one NUMBER");
        }
        ServerConfig config = ServerConfig.load(cli.has("config") ? Path.of(cli.get("config", null)) : null);
        RoutingConfig rc = FastAgi.routingConfig(config);
        Instant time = parseTime(cli.get("time", null), rc);
        RouteDryRun dryRun = new RouteDryRun(new Router(rc, QueueLoad.unknown(), CallHistory.none()),
                FastAgi.directory(rc));
        RouteDecision d = dryRun.explain(cli.positional().get(0), time, cli.get("dialed", null), vars);
        out.println(JSON.writeValueAsString(d));
        return 0;
    }

    static Instant parseTime(String s, RoutingConfig rc) {
        try {
            return RouteDryRun.parseTime(s, rc);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--time " + e.getMessage());
        }
    }
}
