package io.ctiserver.server.agi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.server.bench.BenchCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code bench agi} still runs end to end (tiny and short: a smoke test, not a measurement). */
class AgiBenchmarkTest {

    @Test
    void benchAgiRunsBothServersAndReportsTheRatio() throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            // a cold JVM on a busy machine needs a moment before the first session completes
            status = new BenchCommand().run(List.of("agi", "--concurrency", "4", "--rate", "50", "--seconds", "1",
                    "--warmup", "0.5", "--jit-warmup", "2", "--customers", "100"));
        } finally {
            System.setOut(saved);
        }
        String report = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, report);
        // server, load, open, sessions/s, p50, p99, max, rejected
        Matcher netty = Pattern.compile("(?m)^netty\\s+4 conc\\s+4\\s+(\\d+)\\s+\\S+\\s+\\S+\\s+\\S+\\s+(\\d+)")
                .matcher(report);
        assertTrue(netty.find(), report);
        assertTrue(Long.parseLong(netty.group(1)) > 0, "sessions completed: " + report);
        assertEquals("0", netty.group(2), "rejected: " + report);
        for (String baseline : List.of("asterisk-java", "asterisk-java-batched")) {
            assertTrue(Pattern.compile("(?m)^" + baseline + "\\s+4 conc\\s+4\\s+\\d+").matcher(report).find(),
                    report);
            assertTrue(report.contains("ratio netty / " + baseline + " at 4 conc"), report);
        }
        // the open loop: 50 sessions/s for a second, all completed
        Matcher open = Pattern.compile("(?m)^netty\\s+50/s\\s+\\d+\\s+(\\d+)\\s+\\S+\\s+\\S+\\s+\\S+\\s+(\\d+)")
                .matcher(report);
        assertTrue(open.find(), report);
        assertTrue(Long.parseLong(open.group(1)) >= 40, "about 50 sessions/s: " + report);
        assertEquals("0", open.group(2), "rejected: " + report);
        assertTrue(report.contains("at 50/s: p99 netty"), report);
    }
}
