package io.ctiserver.server.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The coverage-guided mode: Jazzer drives the same targets, with the same oracles ({@link FuzzTarget#run}), as
 * {@code bench fuzz}'s seeded loop.
 *
 * <p>In the normal test command (no {@code JAZZER_FUZZ}) each method runs its corpus as regression tests:
 * {@code src/test/resources/io/ctiserver/server/fuzz/JazzerFuzzTestsInputs/<method>/}, the targets' seeds and every
 * input that found a bug. With {@code JAZZER_FUZZ=1} and one method selected, Jazzer fuzzes it until
 * {@code maxExecutions} inputs or {@code maxDuration}, keeping what it learns in {@code .cifuzz-corpus/} and a
 * crashing input in the inputs folder above, where it becomes a regression test (docs/reliability.md).
 */
class JazzerFuzzTests {

    private static final long INPUTS = 10_000_000L;

    // Built once: the targets keep no state from one input to the next, and Jazzer makes a test instance per input
    // in regression mode.
    private static final FuzzTarget AMI_DECODER = new AmiDecoderTarget();
    private static final FuzzTarget AGI_DECODER = new AgiDecoderTarget();
    private static final FuzzTarget AGI_VARIABLES = new AgiVariablesTarget();
    private static final FuzzTarget COMMANDS = new CommandTarget();
    private static final FuzzTarget REST_QUERY = new RestQueryTarget();
    private static final FuzzTarget WEBSOCKET = new WebSocketTarget();
    private static final FuzzTarget CONFIG = new ConfigTarget();

    @FuzzTest(maxExecutions = INPUTS, maxDuration = "3h")
    void amiDecoder(byte[] in) throws Exception {
        AMI_DECODER.run(cap(in));
    }

    @FuzzTest(maxExecutions = INPUTS, maxDuration = "3h")
    void agiDecoder(byte[] in) throws Exception {
        AGI_DECODER.run(cap(in));
    }

    @FuzzTest(maxExecutions = INPUTS, maxDuration = "3h")
    void agiVariables(byte[] in) throws Exception {
        AGI_VARIABLES.run(cap(in));
    }

    @FuzzTest(maxExecutions = INPUTS, maxDuration = "3h")
    void commands(byte[] in) throws Exception {
        COMMANDS.run(cap(in));
    }

    @FuzzTest(maxExecutions = INPUTS, maxDuration = "3h")
    void restQuery(byte[] in) throws Exception {
        REST_QUERY.run(cap(in));
    }

    @FuzzTest(maxExecutions = INPUTS, maxDuration = "3h")
    void websocket(byte[] in) throws Exception {
        WEBSOCKET.run(cap(in));
    }

    @FuzzTest(maxExecutions = INPUTS, maxDuration = "3h")
    void config(byte[] in) throws Exception {
        CONFIG.run(cap(in));
    }

    /** The method fuzzing the target {@code name}: "rest-query" is restQuery. */
    static String methodFor(String name) {
        StringBuilder m = new StringBuilder();
        for (String part : name.split("-")) {
            m.append(m.length() == 0 ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
        }
        return m.toString();
    }

    /** The bench loop's input limit, which every oracle assumes. */
    private static byte[] cap(byte[] in) {
        return in.length <= Fuzzer.MAX_INPUT ? in : java.util.Arrays.copyOf(in, Fuzzer.MAX_INPUT);
    }
}
