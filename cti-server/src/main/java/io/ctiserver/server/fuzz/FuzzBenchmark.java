package io.ctiserver.server.fuzz;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.ctiserver.server.bench.BenchCommand;
import io.ctiserver.server.cli.CliArgs;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bench fuzz [--target NAME|all] [--inputs N] [--seconds S] [--seed S]}: the long fuzz run. Each target gets N
 * inputs (default 10,000,000) or S seconds, whichever ends first; every finding is printed with its input in base64
 * (make it a test in {@code FuzzRegressionTest}). Exit status 1 when anything was found.
 */
public final class FuzzBenchmark implements BenchCommand.Benchmark {

    @Override
    public String summary() {
        return "long fuzz run of the parsers (--target " + String.join("|", FuzzTargets.names())
                + "|all, --inputs N)";
    }

    @Override
    public int run(List<String> args) {
        CliArgs a = CliArgs.parse(args, Set.of("target", "inputs", "seconds", "seed"), Set.of());
        String name = a.get("target", "all");
        long inputs = Long.parseLong(a.get("inputs", "10000000"));
        long seconds = Long.parseLong(a.get("seconds", "0"));
        long seed = Long.parseLong(a.get("seed", Long.toString(System.nanoTime())));
        List<String> targets = name.equals("all") ? FuzzTargets.names() : List.of(name);
        quietLogs();
        int found = 0;
        System.out.printf("bench fuzz: %s, up to %,d inputs%s each, seed %d%n", name, inputs,
                seconds > 0 ? " or " + seconds + " s" : "", seed);
        for (String n : targets) {
            FuzzTarget t = FuzzTargets.byName(n);
            Fuzzer.Result r = Fuzzer.run(t, seed, inputs, seconds * 1000, 100, (done, millis) -> System.out.printf(
                    "%-14s %,14d inputs in %,9.1f s (running)%n", n, done, millis / 1000.0));
            System.out.printf("%-14s %,14d inputs in %,9.1f s = %,9.0f/s   findings: %d   (slow once, not again: %d)%n",
                    t.name(), r.inputs(), r.millis() / 1000.0, r.perSecond(), r.findings().size(), r.slowOnce());
            for (Fuzzer.Finding f : r.findings()) {
                System.out.println("  FINDING " + f.problem().replace("\n", "\n    "));
                System.out.println("    input (base64): " + f.input());
            }
            found += r.findings().size();
        }
        return found == 0 ? 0 : 1;
    }

    /**
     * Warnings and errors stay on (the code under test reporting trouble is worth seeing); the audit log's line per
     * command, three per input of the command targets, would be most of the run's time.
     */
    private static void quietLogs() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            ctx.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
        }
    }
}
