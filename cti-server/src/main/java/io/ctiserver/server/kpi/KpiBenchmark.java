package io.ctiserver.server.kpi;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.ami.capture.CaptureReader;
import io.ctiserver.kpi.KpiEngine;
import io.ctiserver.kpi.KpiSnapshot;
import io.ctiserver.server.bench.BenchCommand;
import io.ctiserver.server.bench.Throughput;
import io.ctiserver.server.cli.CliArgs;
import io.ctiserver.server.cli.UsageException;
import io.ctiserver.tracker.Tracker;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code bench kpi [--captures DIR] [--seconds N]}: what the KPI engine adds to the tracker thread's work. The real
 * captures are replayed over and over through a tracker alone (the baseline, same run), then through a tracker with
 * a {@link KpiEngine} listening; the report gives both throughputs in AMI messages per second and their ratio, and
 * the cost of one snapshot build.
 */
public final class KpiBenchmark implements BenchCommand.Benchmark {

    @Override
    public String summary() {
        return "the KPI engine's cost on the tracker thread, against the tracker alone on the real captures";
    }

    @Override
    public int run(List<String> args) throws IOException {
        CliArgs cli = CliArgs.parse(args, Set.of("captures", "seconds"), Set.of());
        Path dir = Paths.get(cli.get("captures", System.getProperty("cti.captures", "../shared/ami-captures")));
        int seconds = cli.getInt("seconds", 3);
        if (!Files.isDirectory(dir)) {
            throw new UsageException("no capture directory " + dir + " (use --captures DIR)");
        }
        List<AmiMessage> messages = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.sorted().toList()) {
                String n = p.getFileName().toString();
                if (n.endsWith(".txt") && !n.endsWith(".sent.txt")) {
                    new CaptureReader("bench").read(new ByteArrayInputStream(Files.readAllBytes(p)), messages::add);
                }
            }
        }
        System.out.printf("%d messages per pass, %d s per stage (after as long a warm-up)%n", messages.size(),
                seconds);

        Tracker alone = new Tracker("bench");
        long[] events = {0};
        alone.addListener(e -> events[0]++);
        double baseline = Throughput.rate(() -> messages.forEach(alone::onMessage), messages.size(), seconds);

        Tracker withKpis = new Tracker("bench");
        KpiEngine engine = new KpiEngine();
        withKpis.addListener(engine);
        double kpi = Throughput.rate(() -> messages.forEach(withKpis::onMessage), messages.size(), seconds);

        long builds = 0;
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        KpiSnapshot last = null;
        while (System.nanoTime() < end) {
            last = engine.refresh();
            builds++;
        }
        double buildMicros = (System.nanoTime() - start) / 1e3 / builds;

        System.out.printf("tracker alone (baseline): %,.0f messages/s (%,d domain events)%n", baseline, events[0]);
        System.out.printf("tracker + KPI engine:     %,.0f messages/s%n", kpi);
        System.out.printf("ratio:                    %.2fx the baseline's throughput%n", kpi / baseline);
        System.out.printf("snapshot build:           %.1f us (%d queues, %d agents; at most once per second)%n",
                buildMicros, last.queues().size(), last.agents().size());
        return 0;
    }
}
