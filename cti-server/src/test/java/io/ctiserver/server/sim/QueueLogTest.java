package io.ctiserver.server.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The simulator's in-memory queue_log is bounded, and a benchmark can keep none of it. */
class QueueLogTest {

    private static void calls(QueueLog log, int from, int to) {
        for (int i = from; i < to; i++) {
            log.write(1_764_000_000_000L, "c" + i, "support", "NONE", "ENTERQUEUE", "", "5551000");
        }
    }

    @Test
    void pastItsBoundTheOldestHalfGoes() {
        QueueLog log = new QueueLog(null);
        calls(log, 0, QueueLog.MAX_LINES + 1);
        List<String> lines = log.lines();
        assertEquals(QueueLog.MAX_LINES / 2 + 1, lines.size());
        assertEquals("1764000000|c" + QueueLog.MAX_LINES / 2 + "|support|NONE|ENTERQUEUE||5551000", lines.get(0));
    }

    @Test
    void keepingFewerDropsTheOldestAtOnceAndNoneKeepsNothing() {
        QueueLog log = new QueueLog(null);
        calls(log, 0, 10);
        log.keep(4);
        assertEquals(List.of("c6", "c7", "c8", "c9"), log.lines().stream().map(l -> l.split("\\|")[1]).toList());
        log.keep(0);
        calls(log, 10, 1_000);
        assertEquals(List.of(), log.lines());
        assertThrows(IllegalArgumentException.class, () -> log.keep(-1));
    }
}
