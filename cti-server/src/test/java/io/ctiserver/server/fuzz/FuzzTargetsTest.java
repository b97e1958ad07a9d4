package io.ctiserver.server.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The short fuzz run inside the normal test command: each target for a few seconds (or {@code -Dfuzz.millis=N}),
 * from a fixed seed ({@code -Dfuzz.seed=N} for another). The long run is {@code bench fuzz} (docs/reliability.md).
 */
class FuzzTargetsTest {

    static Stream<String> targets() {
        return FuzzTargets.names().stream();
    }

    @ParameterizedTest
    @MethodSource("targets")
    void noFindingsInAShortRun(String name) {
        long seed = Long.getLong("fuzz.seed", 20261203L);
        long millis = Long.getLong("fuzz.millis", 3_000L);
        FuzzTarget target = FuzzTargets.byName(name);
        Fuzzer.Result r = Fuzzer.run(target, seed, Long.MAX_VALUE, millis, 5);
        System.out.printf("fuzz %s: %,d inputs in %d ms (%.0f/s), seed %d, %d findings%n", name, r.inputs(),
                r.millis(), r.perSecond(), seed, r.findings().size());
        assertTrue(r.inputs() >= target.seeds().size(), "ran at least the seeds");
        assertTrue(r.findings().isEmpty(), () -> {
            StringBuilder sb = new StringBuilder();
            r.findings().forEach(f -> sb.append("\n").append(f.problem()).append("\n  input (base64): ")
                    .append(f.input()));
            return r.findings().size() + " findings in " + name + ":" + sb;
        });
    }
}
