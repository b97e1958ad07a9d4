package io.ctiserver.server.ami;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.ctiserver.ami.AmiLinkState;
import io.ctiserver.ami.AmiListener;
import io.ctiserver.ami.AmiMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Records what a PBX's consumer receives, in order, and lets a test wait for it. */
class RecordingListener implements AmiListener {

    static final long WAIT_S = 15;

    /** Messages and link states, in the order the consumer saw them. */
    final List<Object> seen = Collections.synchronizedList(new ArrayList<>());
    final Set<String> threads = ConcurrentHashMap.newKeySet();
    private final LinkedBlockingQueue<AmiLinkState> states = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<AmiMessage> messages = new LinkedBlockingQueue<>();

    @Override
    public void onMessage(AmiMessage message) {
        threads.add(Thread.currentThread().getName());
        seen.add(message);
        messages.add(message);
    }

    @Override
    public void onLinkState(String pbx, AmiLinkState state, String detail) {
        threads.add(Thread.currentThread().getName());
        seen.add(state);
        states.add(state);
    }

    /** Waits for the next link states and checks they are exactly these, in this order. */
    void expectStates(AmiLinkState... expected) throws InterruptedException {
        List<AmiLinkState> got = new ArrayList<>();
        for (AmiLinkState ignored : expected) {
            AmiLinkState s = states.poll(WAIT_S, TimeUnit.SECONDS);
            if (s == null) {
                break;
            }
            got.add(s);
        }
        assertEquals(List.of(expected), got);
    }

    /** States reported so far and not yet taken by {@link #expectStates}. */
    List<AmiLinkState> pendingStates() {
        return new ArrayList<>(states);
    }

    /** Waits for the next event called {@code name}, skipping others. */
    AmiMessage nextEvent(String name) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (System.nanoTime() < deadline) {
            AmiMessage m = messages.poll(100, TimeUnit.MILLISECONDS);
            if (m != null && name.equals(m.eventName())) {
                return m;
            }
        }
        assertNotNull(null, "no " + name + " event within " + WAIT_S + " s");
        return null;
    }
}
