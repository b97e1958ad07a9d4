package io.ctiserver.server.gateway.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.ctiserver.events.AgentStateChanged;
import io.ctiserver.events.CallAnswered;
import io.ctiserver.events.CallConferenced;
import io.ctiserver.events.CallEnded;
import io.ctiserver.events.CallHeld;
import io.ctiserver.events.CallOffered;
import io.ctiserver.events.CallRecord;
import io.ctiserver.events.CallRetrieved;
import io.ctiserver.events.CallTransferred;
import io.ctiserver.events.CallView;
import io.ctiserver.events.CtiEvent;
import io.ctiserver.events.CtiEventListener;
import io.ctiserver.events.CtiStateView;
import io.ctiserver.events.MonitoringStarted;
import io.ctiserver.events.MonitoringStopped;
import io.ctiserver.events.Party;
import io.ctiserver.events.PbxLinkChanged;
import io.ctiserver.events.QueueUpdated;
import io.ctiserver.events.StateReconciled;
import io.ctiserver.presence.PresenceChange;
import io.ctiserver.presence.PresenceEntry;
import io.ctiserver.server.gateway.CustomerLookup;
import io.ctiserver.server.gateway.Json;
import io.ctiserver.server.gateway.auth.User;
import io.ctiserver.server.gateway.presence.PhoneEvent;
import io.ctiserver.server.gateway.presence.PresenceFeed;
import io.ctiserver.server.gateway.session.DesktopSession;
import io.ctiserver.server.gateway.session.SessionRegistry;
import io.ctiserver.server.gateway.session.SharedBody;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns domain events into desktop frames. The tracker's thread only offers the event to a bounded inbox (never
 * waits: when the inbox is full, by count or by estimated bytes, the event is counted as dropped and every session is
 * resynced); one fan-out thread serialises each event once and hands the shared bytes to every session that should
 * see it. The inbox keeps one snapshot per key ({@code queue.stats} per queue, {@code kpi}, {@code presence} per line,
 * see {@link InboxItems}): a fan-out that falls behind skips superseded snapshots instead of piling them up.
 *
 * <p>Routing: an agent gets the events of calls on their interface and their own state; queue subscribers get that
 * queue's stats and calls; supervisors, admins and integrations get everything; {@code pbx.status} goes to all;
 * {@code kpi} to supervisors and admins.
 */
public final class EventFanout implements CtiEventListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventFanout.class);
    private static final int RECENT_ENDED = 10_000;

    /** The inbox's count bound by default (the gateway's). */
    public static final int DEFAULT_INBOX_EVENTS = 65_536;

    private record Envelope(String type, Instant time, String pbx, Object payload) {
    }

    private record Snapshot(String type, long seq, boolean resync, Instant time, List<CallView> calls,
                            List<?> agents, List<?> queues, List<PresenceEntry> presence) {
    }

    /** A desktop asked for presence: its {@code presence.snapshot} is built on the fan-out thread, in order. */
    private record PresenceSubscription(DesktopSession session) {
    }

    private final SessionRegistry sessions;
    private final CtiStateView state;
    private final CustomerLookup customers;
    private final String crmTemplate;
    private final Clock clock;
    private final FanoutInbox<Object> inbox;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong coalesced = new AtomicLong();
    private final AtomicLong dispatched = new AtomicLong();
    private final AtomicLong serialised = new AtomicLong();
    private final Map<String, EndedCall> recentEnded = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, EndedCall> eldest) {
            return size() > RECENT_ENDED;
        }
    };
    private final Thread thread;
    private volatile PresenceFeed presence = PresenceFeed.NONE;
    private final Function<String, List<?>> recentCalls;
    private volatile boolean running = true;
    /** Fan-out thread only: presence changes dispatched so far, and the shared every-line snapshot of that epoch. */
    private long presenceEpoch;
    private byte[] allLines;
    private long allLinesEpoch = -1;
    private final List<EventTap> taps = new java.util.concurrent.CopyOnWriteArrayList<>();
    private long mark;
    private long droppedSeen;
    /** Fan-out thread only: the body being delivered, one direct copy shared by its desktops until it is dispatched. */
    private SharedBody current;
    /** Fan-out thread only: when the event being dispatched entered the inbox. */
    private long entered;

    /** With the default byte budget and no stored calls for the screen pop. */
    public EventFanout(SessionRegistry sessions, CtiStateView state, CustomerLookup customers, String crmTemplate,
                       Clock clock, int inboxCapacity) {
        this(sessions, state, customers, crmTemplate, clock, inboxCapacity, defaultInboxBytes(), n -> List.of());
    }

    /**
     * @param inboxCapacity the most events waiting for the fan-out thread
     * @param inboxBytes    the most estimated bytes they may hold ({@link InboxItems#weight})
     * @param recentCalls   a caller's last calls for the screen pop (see {@code StoredData.recentCalls})
     */
    public EventFanout(SessionRegistry sessions, CtiStateView state, CustomerLookup customers, String crmTemplate,
                       Clock clock, int inboxCapacity, long inboxBytes, Function<String, List<?>> recentCalls) {
        this.recentCalls = recentCalls;
        this.sessions = sessions;
        this.state = state;
        this.customers = customers;
        this.crmTemplate = crmTemplate;
        this.clock = clock;
        this.inbox = new FanoutInbox<>(inboxCapacity, inboxBytes);
        this.thread = new Thread(this::run, "gateway-fanout");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Hook: {@code tap} is told of every event published from now on (webhooks). */
    public void addTap(EventTap tap) {
        taps.add(tap);
    }

    private void tap(String type, String callId, String queue, byte[] body) {
        for (EventTap t : taps) {
            try {
                t.onPublished(type, callId, queue, body);
            } catch (RuntimeException ex) {
                LOG.warn("event tap {} failed on {}: {}", t.getClass().getSimpleName(), type, ex.toString());
            }
        }
    }

    /** Called on the tracker's thread: hands off without blocking. */
    @Override
    public void onEvent(CtiEvent event) {
        offer(event);
    }

    /** The presence lines and who sees which (set before {@link #start}). */
    public void presence(PresenceFeed feed) {
        this.presence = feed;
    }

    public PresenceFeed presence() {
        return presence;
    }

    /** Called on a presence tracker's thread: hands off without blocking. */
    public void onPresence(PresenceChange change) {
        offer(change);
    }

    /** A phone setting changed (DND, forwarding). */
    public void publishPhoneEvent(PhoneEvent event) {
        offer(event);
    }

    /**
     * Starts {@code s}'s presence stream: a {@code presence.snapshot} event of every line it may see, then a
     * {@code presence} event per change. Both are seq'd events, so resume replays them like any other.
     */
    public void subscribePresence(DesktopSession s) {
        sessions.subscribePresence(s);
        offer(new PresenceSubscription(s));
    }

    public void unsubscribePresence(DesktopSession s) {
        sessions.unsubscribePresence(s);
    }

    /**
     * The {@code presence.snapshot} event for {@code u}. Those who see every line share one body until the next
     * change: a thousand supervisors subscribing to 5,000 lines hold one copy in their resume buffers, not a
     * thousand. Fan-out thread only.
     */
    private byte[] presenceSnapshot(User u) {
        if (!u.role().seesEverything()) {
            return encode("presence.snapshot", clock.instant(), null, presence.linesFor(u));
        }
        if (allLines == null || allLinesEpoch != presenceEpoch) {
            allLines = encode("presence.snapshot", clock.instant(), null, presence.linesFor(u));
            allLinesEpoch = presenceEpoch;
        }
        return allLines;
    }

    /** Publishes the supervisors' figures (from the KPI timer). */
    public void publishKpi(Figures.Kpi kpi) {
        offer(kpi);
    }

    /**
     * The inbox's byte budget by default: a sixteenth of the max heap (32 MiB in a 512 MiB heap), between 4 and 64 MiB.
     * Call events weigh 1-2 KB each (a 32 MiB inbox holds some 20,000, minutes of a busy PBX's events), snapshots are
     * one per key whatever their rate.
     */
    public static long defaultInboxBytes() {
        return Math.max(4L << 20, Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 16));
    }

    private void offer(Object o) {
        switch (inbox.offer(o, InboxItems.snapshotKey(o), InboxItems.weight(o))) {
            case DROPPED -> dropped.incrementAndGet();
            case COALESCED -> coalesced.incrementAndGet();
            case QUEUED -> {
            }
        }
    }

    public long dropped() {
        return dropped.get();
    }

    /** Snapshots left out because a later one of the same key came before the fan-out took them. */
    public long coalesced() {
        return coalesced.get();
    }

    /** Events waiting for the fan-out thread. */
    public int inboxEvents() {
        return inbox.size();
    }

    /** Their estimated bytes. */
    public long inboxBytes() {
        return inbox.weight();
    }

    /** The inbox's byte budget. */
    public long inboxBudgetBytes() {
        return inbox.maxWeight();
    }

    public long dispatched() {
        return dispatched.get();
    }

    /** How many event bodies were serialised: one per event, however many desktops receive it. */
    public long serialised() {
        return serialised.get();
    }

    /** The PBX and agent of a recently ended call (for dispositions after the call), or null. */
    public EndedCall recentlyEnded(String callId) {
        synchronized (recentEnded) {
            return recentEnded.get(callId);
        }
    }

    private void run() {
        while (running) {
            FanoutInbox.Entry<Object> in;
            try {
                in = inbox.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                entered = in.offeredNanos();
                dispatch(in.item());
                dispatched.incrementAndGet();
            } catch (RuntimeException e) {
                LOG.error("could not deliver {}", in.item().getClass().getSimpleName(), e);
            } catch (OutOfMemoryError e) {
                // Direct memory for socket writes ran out (desktops that fell behind hold copies): this thread must
                // not die with it, or no desktop gets another event. Counted as a drop: every desktop is resynced.
                dropped.incrementAndGet();
                LOG.error("could not deliver {}: {}", in.item().getClass().getSimpleName(), e.toString());
            } finally {
                releaseShared();
            }
            long d = dropped.get();
            if (d != droppedSeen && inbox.isEmpty()) {
                LOG.warn("gateway inbox overflowed (bounds {} events, {} bytes): {} events dropped; resyncing every "
                        + "desktop", inbox.maxItems(), inbox.maxWeight(), d - droppedSeen);
                droppedSeen = d;
                for (DesktopSession s : sessions.all()) {
                    s.resync(seq -> snapshot(s, seq, true));
                }
            }
        }
    }

    private void dispatch(Object o) {
        long now = System.nanoTime();
        long m = ++mark;
        if (o instanceof Figures.Kpi kpi) {
            byte[] body = encode("kpi", clock.instant(), null, kpi);
            deliver(sessions.everything(), body, m, now, true);
            return;
        }
        if (o instanceof PresenceChange pc) {
            presenceEpoch++;
            byte[] body = encode("presence", Instant.ofEpochMilli(pc.entry().changedAt()), pc.entry().pbx(),
                    pc.entry());
            for (DesktopSession s : sessions.presenceSessions()) {
                if (presence.sees(s.user(), pc.entry())) {
                    s.deliver(shared(body), now);
                }
            }
            return;
        }
        if (o instanceof PresenceSubscription ps) {
            DesktopSession s = ps.session();
            s.deliver(presenceSnapshot(s.user()), now);
            return;
        }
        if (o instanceof PhoneEvent pe) {
            byte[] body = encode(pe.type(), pe.time(), pe.pbx(), pe.payload());
            deliver(sessions.everything(), body, m, now, false);
            for (String iface : pe.ifaces()) {
                deliver(sessions.agentSessions(pe.pbx(), iface), body, m, now, false);
            }
            return;
        }
        CtiEvent e = (CtiEvent) o;
        if (e instanceof CallOffered c) {
            Object payload = c.agentInterface() == null ? Map.of("call", c.call()) : pop(c);
            toCall(e.type(), e.pbx(), c.call(), c.agentInterface(), encode(e, payload), m, now);
        } else if (e instanceof CallAnswered c) {
            toCall(e.type(), e.pbx(), c.call(), null, encode(e, Map.of("call", c.call())), m, now);
        } else if (e instanceof CallHeld c) {
            toCall(e.type(), e.pbx(), c.call(), null, encode(e, Map.of("call", c.call())), m, now);
        } else if (e instanceof CallRetrieved c) {
            toCall(e.type(), e.pbx(), c.call(), null, encode(e, Map.of("call", c.call())), m, now);
        } else if (e instanceof CallConferenced c) {
            toCall(e.type(), e.pbx(), c.call(), null, encode(e, Map.of("call", c.call())), m, now);
        } else if (e instanceof CallTransferred c) {
            toCall(e.type(), e.pbx(), c.call(), null, encode(e, Map.of("call", c.call(), "transfer", c.transfer())), m, now);
        } else if (e instanceof CallEnded c) {
            CallRecord r = c.record();
            synchronized (recentEnded) {
                recentEnded.put(r.callId(), EndedCall.of(r));
            }
            byte[] body = encode(e, Map.of("callId", r.callId(), "record", r));
            tap(e.type(), r.callId(), r.queue(), body);
            deliver(sessions.everything(), body, m, now, false);
            deliver(sessions.agentSessions(e.pbx(), r.agentInterface()), body, m, now, false);
            // Every agent who had a part in the call (after a transfer or a pickup from park, and the calling agent
            // of an internal call) sees it end, not only the last one.
            for (CallRecord.Segment seg : r.segments()) {
                deliver(sessions.agentSessions(e.pbx(), seg.agentInterface()), body, m, now, false);
            }
            deliver(sessions.queueSessions(r.queue()), body, m, now, false);
        } else if (e instanceof AgentStateChanged a) {
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("agent", a.agent());
            payload.put("previous", a.previous());
            byte[] body = encode(e, payload);
            tap(e.type(), null, null, body);
            deliver(sessions.everything(), body, m, now, false);
            deliver(sessions.agentSessions(e.pbx(), a.agent().iface()), body, m, now, false);
        } else if (e instanceof QueueUpdated q) {
            byte[] body = encode("queue.stats", e.time(), e.pbx(),
                    Map.of("stats", Figures.queueStats(q.queue(), e.time()), "queue", q.queue()));
            tap("queue.stats", null, q.queue().name(), body);
            deliver(sessions.everything(), body, m, now, false);
            deliver(sessions.queueSessions(q.queue().name()), body, m, now, false);
        } else if (e instanceof MonitoringStarted ms) {
            monitoring(e, ms.callId(), ms, m, now);
        } else if (e instanceof MonitoringStopped ms) {
            monitoring(e, ms.callId(), ms, m, now);
        } else if (e instanceof PbxLinkChanged p) {
            byte[] body = encode(e, Map.of("state", p.state(), "detail", p.detail() == null ? "" : p.detail()));
            tap(e.type(), null, null, body);
            deliver(Set.copyOf(sessions.all()), body, m, now, false);
        } else if (e instanceof StateReconciled r) {
            deliver(sessions.everything(), encode(e, r), m, now, true);
        }
    }

    private ScreenPop pop(CallOffered c) {
        Map<String, Object> customer;
        try {
            customer = customers.lookup(c.call());
        } catch (RuntimeException ex) {
            LOG.warn("customer lookup failed for call {}: {}", c.call().callId(), ex.toString());
            customer = Map.of();
        }
        List<?> recent;
        try {
            recent = c.call().callerNumber() == null ? List.of() : recentCalls.apply(c.call().callerNumber());
        } catch (RuntimeException ex) {
            LOG.warn("recent calls lookup failed for call {}: {}", c.call().callId(), ex.toString());
            recent = List.of();
        }
        return ScreenPop.of(c, customer == null ? Map.of() : customer, crmTemplate, recent);
    }

    private void monitoring(CtiEvent e, String callId, Object payload, long m, long now) {
        byte[] body = encode(e, payload);
        deliver(sessions.everything(), body, m, now, false);
        java.util.Optional<CallView> call = state.call(callId);
        if (call.isPresent()) {
            toCall(e.type(), e.pbx(), call.get(), null, body, m, now);
        } else {
            tap(e.type(), callId, null, body);
        }
    }

    /** To those who see everything, the agents on the call (and {@code extraIface}), and the queue's subscribers. */
    private void toCall(String type, String pbx, CallView c, String extraIface, byte[] body, long m, long now) {
        tap(type, c.callId(), c.queue(), body);
        deliver(sessions.everything(), body, m, now, false);
        deliver(sessions.agentSessions(pbx, extraIface), body, m, now, false);
        deliver(sessions.agentSessions(pbx, c.agentInterface()), body, m, now, false);
        for (Party p : c.parties()) {
            if (p.iface() != null) {
                deliver(sessions.agentSessions(pbx, p.iface()), body, m, now, false);
            }
        }
        deliver(sessions.queueSessions(c.queue()), body, m, now, false);
    }

    private void deliver(Set<DesktopSession> set, byte[] body, long m, long now, boolean supervisorsOnly) {
        for (DesktopSession s : set) {
            if (!s.markDispatch(m)) {
                continue;
            }
            if (supervisorsOnly && !s.user().role().supervises()) {
                continue;
            }
            s.deliver(shared(body), now);
        }
    }

    /** {@code body} as its desktops share it: the same one for every route of one event. */
    private SharedBody shared(byte[] body) {
        if (current == null || current.json() != body) {
            releaseShared();
            current = new SharedBody(body, entered);
        }
        return current;
    }

    /** The event is dispatched: its frames hold their own references to the shared copy. */
    private void releaseShared() {
        if (current != null) {
            current.release();
            current = null;
        }
    }

    private byte[] encode(CtiEvent e, Object payload) {
        return encode(e.type(), e.time(), e.pbx(), payload);
    }

    private byte[] encode(String type, Instant time, String pbx, Object payload) {
        serialised.incrementAndGet();
        try {
            return Json.MAPPER.writeValueAsBytes(new Envelope(type, time, pbx, payload));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot serialise " + type, ex);
        }
    }

    /**
     * The state a session may see, as a {@code snapshot} message carrying the session's current seq: agents get their
     * own calls and state and their subscribed queues; the others get everything.
     */
    public byte[] snapshot(DesktopSession s, long seq, boolean resync) {
        User u = s.user();
        List<CallView> calls = new ArrayList<>();
        List<Object> agents = new ArrayList<>();
        List<Object> queues = new ArrayList<>();
        boolean all = u.role().seesEverything();
        for (CallView c : state.calls()) {
            if (all || involves(c, u) || (c.queue() != null && s.queues().contains(c.queue()))) {
                calls.add(c);
            }
        }
        state.agents().forEach(a -> {
            if (all || (u.iface() != null && u.iface().equalsIgnoreCase(a.iface()) && u.pbx().equals(a.pbx()))) {
                agents.add(a);
            }
        });
        Instant now = clock.instant();
        state.queues().forEach(q -> {
            if (all || s.queues().contains(q.name())) {
                queues.add(Map.of("stats", Figures.queueStats(q, now), "queue", q));
            }
        });
        try {
            List<PresenceEntry> lines = sessions.presenceSessions().contains(s) ? presence.linesFor(u).entries() : null;
            return Json.MAPPER.writeValueAsBytes(new Snapshot("snapshot", seq, resync, now, calls, agents, queues,
                    lines));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot serialise snapshot", ex);
        }
    }

    /** Whether the call is on the user's device: the agent ringing/connected, or any party on the user's interface. */
    public static boolean involves(CallView c, User u) {
        if (u.iface() == null || !u.pbx().equals(c.pbx())) {
            return false;
        }
        if (u.iface().equalsIgnoreCase(c.agentInterface())) {
            return true;
        }
        for (Party p : c.parties()) {
            if (u.iface().equalsIgnoreCase(p.iface())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
