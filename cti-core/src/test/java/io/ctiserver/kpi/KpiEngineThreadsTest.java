package io.ctiserver.kpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Two trackers, a desktop thread and a reader at once: nothing is lost and every snapshot read is consistent. */
class KpiEngineThreadsTest {

    private static final int CALLS = 5000;

    @Test
    void concurrentWritersLoseNothingAndReadersSeeConsistentSnapshots() throws Exception {
        KpiEngine engine = new KpiEngine();
        // Desktop input counts at the engine's event time: start the clock before the desktop thread runs.
        engine.onEvent(Events.agent(0, Events.A2, io.ctiserver.events.AgentState.AVAILABLE,
                io.ctiserver.events.AgentState.LOGGED_OUT));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch go = new CountDownLatch(1);
        Thread pbx1 = writer(go, failure, () -> {
            for (int i = 0; i < CALLS; i++) {
                engine.onEvent(Events.answered(i * 0.01, "a" + i, "support", i % 40, 10, Events.A1));
            }
        });
        Thread pbx2 = writer(go, failure, () -> {
            for (int i = 0; i < CALLS; i++) {
                engine.onEvent(Events.abandoned(i * 0.01, "b" + i, "sales", 10));
            }
        });
        Thread desktops = writer(go, failure, () -> {
            for (int i = 0; i < CALLS; i++) {
                engine.recordSurvey(null, Events.A2, 1 + i % 5);
            }
        });
        Thread reader = writer(go, failure, () -> {
            while (pbx1.isAlive() || pbx2.isAlive()) {
                KpiSnapshot s = engine.snapshot();
                KpiFigures w = s.window();
                // A published snapshot is internally consistent: the parts add up.
                assertEquals(w.offered(), w.answered() + w.abandoned() + w.unanswered() + w.other());
                long perQueue = s.queues().stream().mapToLong(q -> q.window().offered()).sum();
                assertEquals(w.offered(), perQueue);
            }
        });
        go.countDown();
        for (Thread t : new Thread[] {pbx1, pbx2, desktops, reader}) {
            t.join(TimeUnit.SECONDS.toMillis(60));
            assertTrue(!t.isAlive(), "finished");
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        KpiFigures w = engine.refresh().window();
        assertEquals(CALLS, w.answered());
        assertEquals(CALLS, w.abandoned());
        assertEquals(CALLS, w.surveys());
    }

    private static Thread writer(CountDownLatch go, AtomicReference<Throwable> failure, Runnable body) {
        Thread t = new Thread(() -> {
            try {
                go.await();
                body.run();
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        });
        t.start();
        return t;
    }
}
