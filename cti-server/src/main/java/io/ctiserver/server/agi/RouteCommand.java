package io.ctiserver.server.agi;

import io.ctiserver.server.cli.Verb;
import java.util.List;

/** Placeholder until its issue lands: says so and fails. */
public final class RouteCommand implements Verb {
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
        return "usage: java -jar cti-server.jar route\n";
    }

    @Override
    public int run(List<String> args) {
        System.err.println("'route' is not built yet");
        return 1;
    }
}
