package io.ctiserver.server.sim;

import io.ctiserver.server.cli.Verb;
import java.util.List;

/** Placeholder until its issue lands: says so and fails. */
public final class SimCommand implements Verb {
    @Override
    public String name() {
        return "sim";
    }

    @Override
    public String summary() {
        return "run the PBX simulator alone: an Asterisk stand-in speaking AMI and FastAGI";
    }

    @Override
    public String usage() {
        return "usage: java -jar cti-server.jar sim\n";
    }

    @Override
    public int run(List<String> args) {
        System.err.println("'sim' is not built yet");
        return 1;
    }
}
