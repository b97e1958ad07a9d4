package io.ctiserver.server.ami;

import io.ctiserver.server.ami.bench.AmiBenchRunner;
import io.ctiserver.server.bench.BenchCommand;
import java.util.List;

/** {@code bench ami}: see {@link AmiBenchRunner} and docs/ami-client.md. */
public final class AmiBenchmark implements BenchCommand.Benchmark {
    @Override
    public String summary() {
        return "AMI decoding and the event pipeline against asterisk-java, over loopback";
    }

    @Override
    public int run(List<String> args) throws Exception {
        return AmiBenchRunner.run(args);
    }
}
