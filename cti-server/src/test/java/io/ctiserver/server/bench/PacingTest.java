package io.ctiserver.server.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PacingTest {

    @Test
    void ticksRateTimesSecondsNoneBeforeItsTime() {
        List<Long> at = new ArrayList<>();
        long start = System.nanoTime();
        Pacing.paced(50, 1, () -> at.add(System.nanoTime()));
        assertEquals(50, at.size());
        for (int i = 0; i < at.size(); i++) {
            long due = start + (i + 1) * 20_000_000L;
            assertTrue(at.get(i) >= due, "tick " + i + " ran " + (due - at.get(i)) + " ns early");
        }
    }

    @Test
    void aLateTickIsCaughtUpNotSkipped() {
        int[] ticks = {0};
        Pacing.paced(100, 1, () -> {
            if (ticks[0]++ == 0) {
                sleep(300); // 30 ticks' worth of stall: they run back to back afterwards
            }
        });
        assertEquals(100, ticks[0]);
    }

    @Test
    void aRateOfZeroIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Pacing.paced(0, 1, () -> { }));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
