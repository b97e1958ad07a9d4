package io.ctiserver.server.ami;

import io.ctiserver.server.bench.BenchCommand;
import java.util.List;

/** Placeholder until the AMI benchmark lands. */
public final class AmiBenchmark implements BenchCommand.Benchmark {
    @Override
    public String summary() {
        return "AMI decoding and the event pipeline against asterisk-java, over loopback";
    }

    @Override
    public int run(List<String> args) {
        System.err.println("'bench ami' is not built yet");
        return 1;
    }
}
