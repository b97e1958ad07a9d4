package io.ctiserver.routing;

import io.ctiserver.events.CallEnded;
import io.ctiserver.events.CallRecord;
import io.ctiserver.events.CallResult;
import io.ctiserver.events.CtiEvent;
import io.ctiserver.events.CtiEventListener;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The last agent of each caller, learnt from the tracker's {@code call.ended} records. Register it as a
 * {@link CtiEventListener}. Bounded: it remembers the {@code maxCallers} callers heard from most recently and forgets
 * the others. {@code onEvent} runs on the tracker's thread and only takes a short lock.
 */
public final class InMemoryCallHistory implements CallHistory, CtiEventListener {

    private final Map<String, LastAgent> byCaller;

    public InMemoryCallHistory(int maxCallers) {
        if (maxCallers < 1) {
            throw new IllegalArgumentException("maxCallers must be at least 1");
        }
        this.byCaller = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, LastAgent> eldest) {
                return size() > maxCallers;
            }
        };
    }

    @Override
    public void onEvent(CtiEvent event) {
        if (event instanceof CallEnded ended) {
            record(ended.record());
        }
    }

    /** Remembers the call's agent if an agent answered it. */
    public void record(CallRecord r) {
        if (r.result() != CallResult.ANSWERED || r.agentInterface() == null) {
            return;
        }
        String key = PhoneNumbers.normalize(r.callerNumber());
        if (key.isEmpty()) {
            return;
        }
        Instant at = r.endedAt() != null ? r.endedAt() : Instant.EPOCH;
        LastAgent agent = new LastAgent(r.agentInterface(), r.agentName(), at);
        synchronized (byCaller) {
            LastAgent old = byCaller.get(key);
            if (old == null || !old.endedAt().isAfter(at)) {
                byCaller.put(key, agent);
            }
        }
    }

    @Override
    public Optional<LastAgent> lastAgent(String callerNumber, Instant since) {
        String key = PhoneNumbers.normalize(callerNumber);
        LastAgent a;
        synchronized (byCaller) {
            a = byCaller.get(key);
        }
        return a != null && !a.endedAt().isBefore(since) ? Optional.of(a) : Optional.empty();
    }

    public int size() {
        synchronized (byCaller) {
            return byCaller.size();
        }
    }
}
