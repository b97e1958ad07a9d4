package io.ctiserver.server.run;

import io.ctiserver.server.cli.Verb;
import java.util.List;

/** Placeholder until its issue lands: says so and fails. */
public final class RunCommand implements Verb {
    @Override
    public String name() {
        return "run";
    }

    @Override
    public String summary() {
        return "start the CTI server (demo mode with the built-in PBX simulator by default)";
    }

    @Override
    public String usage() {
        return "usage: java -jar cti-server.jar run\n";
    }

    @Override
    public int run(List<String> args) {
        System.err.println("'run' is not built yet");
        return 1;
    }
}
