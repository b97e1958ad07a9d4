package io.ctiserver.server.replay;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.ami.capture.CaptureReader;
import io.ctiserver.server.bench.BenchCommand;
import io.ctiserver.server.bench.CaptureFiles;
import io.ctiserver.server.bench.Throughput;
import io.ctiserver.server.cli.CliArgs;
import io.ctiserver.tracker.Tracker;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * {@code bench tracker [--captures DIR] [--seconds N]}: the state tracker's cost per AMI message, on the real
 * captures replayed over and over. The baseline, measured in the same run, is reading the same bytes into
 * {@link AmiMessage}s (the work any AMI client does per message): the report says how many messages per second
 * each stage handles and how the tracker compares with parsing.
 */
public final class TrackerBenchmark implements BenchCommand.Benchmark {

    @Override
    public String summary() {
        return "the state tracker's cost per AMI message on the real captures, against parsing them";
    }

    @Override
    public int run(List<String> args) throws IOException {
        CliArgs cli = CliArgs.parse(args, Set.of("captures", "seconds"), Set.of());
        int seconds = cli.getInt("seconds", 3);
        List<byte[]> raw = CaptureFiles.read(CaptureFiles.dir(cli));
        List<AmiMessage> messages = CaptureFiles.messages(raw);
        System.out.printf("%d captures, %d messages per pass, %d s per stage (after as long a warm-up)%n",
                raw.size(), messages.size(), seconds);

        Runnable parse = () -> {
            int[] n = {0};
            for (byte[] b : raw) {
                try {
                    new CaptureReader("bench").read(new ByteArrayInputStream(b), m -> n[0]++);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        Tracker tracker = new Tracker("bench");
        long[] emitted = {0};
        tracker.addListener(e -> emitted[0]++);
        Runnable track = () -> {
            for (int i = 0; i < messages.size(); i++) {
                tracker.onMessage(messages.get(i));
            }
        };
        double parseRate = Throughput.rate(parse, messages.size(), seconds);
        double trackRate = Throughput.rate(track, messages.size(), seconds);
        System.out.printf("parse (baseline): %,.0f messages/s%n", parseRate);
        System.out.printf("tracker:          %,.0f messages/s (%,.0f domain events emitted)%n", trackRate, (double) emitted[0]);
        System.out.printf("tracker / parse:  %.2fx the baseline's throughput; parse + tracker costs %.0f%% more than parse alone%n",
                trackRate / parseRate, 100.0 * parseRate / trackRate);
        if (!tracker.view().calls().isEmpty()) {
            System.out.println("warning: calls left alive after the passes: " + tracker.view().calls().size());
        }
        return 0;
    }
}
