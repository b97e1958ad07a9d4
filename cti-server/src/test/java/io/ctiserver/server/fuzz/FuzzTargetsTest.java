package io.ctiserver.server.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

    /**
     * Each target has its Jazzer test, and that test's corpus holds every seed of the target: what Jazzer replays in
     * the normal test run, and starts from when fuzzing.
     */
    @ParameterizedTest
    @MethodSource("targets")
    void theJazzerTestOfEachTargetReplaysItsSeeds(String name) throws Exception {
        String method = JazzerFuzzTests.methodFor(name);
        assertTrue(Arrays.stream(JazzerFuzzTests.class.getDeclaredMethods())
                .anyMatch(m -> m.getName().equals(method) && m.isAnnotationPresent(FuzzTest.class)), method);
        Path corpus = Path.of(JazzerFuzzTests.class.getResource("JazzerFuzzTestsInputs/" + method).toURI());
        List<byte[]> inputs = new ArrayList<>();
        try (Stream<Path> files = Files.list(corpus)) {
            for (Path f : files.toList()) {
                inputs.add(Files.readAllBytes(f));
            }
        }
        for (byte[] seed : FuzzTargets.byName(name).seeds()) {
            assertTrue(inputs.stream().anyMatch(i -> Arrays.equals(i, seed)),
                    () -> "a seed of " + name + " is not in " + corpus + ": " + new String(seed, StandardCharsets.UTF_8));
        }
    }
}
