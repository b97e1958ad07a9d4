package io.ctiserver.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.execute(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEveryVerb() {
        assertEquals(0, run("--help"));
        String help = out.toString(StandardCharsets.UTF_8);
        for (String verb : List.of("run", "sim", "replay", "bench", "route")) {
            assertTrue(help.contains("  " + verb + " "), "help lists " + verb + ":\n" + help);
        }
    }

    @Test
    void unknownVerbExitsWithTwo() {
        assertEquals(2, run("frobnicate"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown command 'frobnicate'"));
    }

    @Test
    void unknownBenchmarkExitsWithTwo() {
        assertEquals(2, run("bench", "nope"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown benchmark 'nope'"));
    }

    @Test
    void aWrongFlagIsAClearErrorWithStatusTwo() {
        for (String verb : List.of("run", "sim", "replay", "route")) {
            out.reset();
            err.reset();
            assertEquals(2, run(verb, "--no-such-flag"), verb);
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("--no-such-flag"),
                    verb + " names the wrong flag: " + err.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void aBadFlagValueIsAClearErrorWithStatusTwo() {
        assertEquals(2, run("run", "--http-port", "eighty"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--http-port needs a whole number, got 'eighty'"));
    }
}
