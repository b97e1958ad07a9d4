package io.ctiserver.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.ami.capture.CaptureReader;
import io.ctiserver.events.CallState;
import io.ctiserver.events.CallView;
import io.ctiserver.events.CtiStateView;
import io.ctiserver.testing.Captures;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The read side: immutable snapshots, safe to read from another thread while the tracker writes. */
class StateViewTest {

    private static final List<AmiMessage> CAPTURE_02 =
            CaptureReader.readAll(Captures.file("02_queue_call_answered_by_agent.txt"), "pbx1");

    @Test
    void snapshotsAreImmutableAndStayAsTheyWere() {
        Tracker tracker = new Tracker("pbx1");
        int i = 0;
        while (tracker.view().calls().isEmpty() || tracker.view().calls().get(0).state() != CallState.CONNECTED) {
            tracker.onMessage(CAPTURE_02.get(i++));
        }
        List<CallView> connected = tracker.view().calls();
        assertThrows(UnsupportedOperationException.class, () -> connected.add(connected.get(0)));
        assertThrows(UnsupportedOperationException.class, () -> connected.get(0).data().put("x", "y"));
        assertThrows(UnsupportedOperationException.class, () -> tracker.view().agents().clear());
        for (; i < CAPTURE_02.size(); i++) {
            tracker.onMessage(CAPTURE_02.get(i));
        }
        assertEquals(CallState.CONNECTED, connected.get(0).state(), "an old snapshot does not change");
        assertEquals(List.of(), tracker.view().calls());
        assertTrue(tracker.view().call(connected.get(0).callId()).isEmpty());
    }

    @Test
    void aReaderThreadSeesConsistentSnapshotsWhileTheTrackerWrites() throws Exception {
        Tracker tracker = new Tracker("pbx1");
        CtiStateView view = tracker.view();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicInteger reads = new AtomicInteger();
        Thread reader = new Thread(() -> {
            try {
                do {
                    for (CallView c : view.calls()) {
                        assertNotEquals(CallState.ENDED, c.state());
                        assertEquals("pbx1", c.pbx());
                        c.parties().forEach(p -> assertTrue(p.channel() != null));
                    }
                    view.agents().forEach(a -> assertTrue(a.queues() != null));
                    view.queues().forEach(q -> q.entries().forEach(e -> assertTrue(e.position() >= 1)));
                    reads.incrementAndGet();
                } while (writing.get());
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "view-reader");
        reader.start();
        for (int pass = 0; pass < 200; pass++) {
            for (AmiMessage m : CAPTURE_02) {
                tracker.onMessage(m);
            }
        }
        writing.set(false);
        reader.join(60_000);
        if (failure.get() != null) {
            throw new AssertionError("reader failed", failure.get());
        }
        assertTrue(reads.get() > 0);
        assertEquals(List.of(), view.calls());
    }
}
