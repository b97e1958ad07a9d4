package io.ctiserver.server.replay;

import io.ctiserver.server.cli.Verb;
import java.util.List;

/** Placeholder until its issue lands: says so and fails. */
public final class ReplayCommand implements Verb {
    @Override
    public String name() {
        return "replay";
    }

    @Override
    public String summary() {
        return "replay a raw AMI capture through the state tracker and print JSON lines";
    }

    @Override
    public String usage() {
        return "usage: java -jar cti-server.jar replay\n";
    }

    @Override
    public int run(List<String> args) {
        System.err.println("'replay' is not built yet");
        return 1;
    }
}
