package io.ctiserver.server.kpi;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.kpi.KpiEngine;
import io.ctiserver.kpi.KpiSnapshot;
import io.ctiserver.server.bench.BenchCommand;
import io.ctiserver.server.bench.CaptureFiles;
import io.ctiserver.server.bench.Throughput;
import io.ctiserver.server.cli.CliArgs;
import io.ctiserver.tracker.Tracker;
import java.io.IOException;
import java.util.List;
import java.util.Set;

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
        int seconds = cli.getInt("seconds", 3);
        List<AmiMessage> messages = CaptureFiles.messages(CaptureFiles.read(CaptureFiles.dir(cli)));
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
