package io.ctiserver.tracker;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.ami.capture.CaptureReader;
import io.ctiserver.events.CallEnded;
import io.ctiserver.events.CallRecord;
import io.ctiserver.events.CtiEvent;
import io.ctiserver.events.Json;
import io.ctiserver.testing.Captures;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Feeds messages through a tracker and keeps what it emitted. */
final class ReplayHarness {

    final Tracker tracker;
    final List<CtiEvent> events = new ArrayList<>();

    ReplayHarness() {
        this(new Tracker("pbx1"));
    }

    ReplayHarness(Tracker tracker) {
        this.tracker = tracker;
        tracker.addListener(events::add);
    }

    static ReplayHarness capture(String name) {
        ReplayHarness h = new ReplayHarness();
        h.feed(CaptureReader.readAll(Captures.file(name), "pbx1"));
        return h;
    }

    ReplayHarness feed(List<AmiMessage> messages) {
        for (AmiMessage m : messages) {
            tracker.onMessage(m);
        }
        return this;
    }

    ReplayHarness feed(AmiMessage m) {
        tracker.onMessage(m.pbx() == null ? m.withSource("pbx1", 0) : m);
        return this;
    }

    List<String> types() {
        return events.stream().map(CtiEvent::type).collect(Collectors.toList());
    }

    /** Event types without agent and queue updates: the call's own story. */
    List<String> callTypes() {
        return events.stream().map(CtiEvent::type)
                .filter(t -> !t.equals("agent.state") && !t.equals("queue.updated"))
                .collect(Collectors.toList());
    }

    List<CallRecord> records() {
        return events.stream().filter(e -> e instanceof CallEnded).map(e -> ((CallEnded) e).record())
                .collect(Collectors.toList());
    }

    <T extends CtiEvent> List<T> of(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
    }

    String dump() {
        StringBuilder sb = new StringBuilder();
        for (CtiEvent e : events) {
            sb.append(Json.eventNode(e)).append('\n');
        }
        return sb.toString();
    }
}
