package io.ctiserver.server.gateway.events;

import io.ctiserver.events.AgentStateChanged;
import io.ctiserver.events.AgentView;
import io.ctiserver.events.CallAnswered;
import io.ctiserver.events.CallConferenced;
import io.ctiserver.events.CallEnded;
import io.ctiserver.events.CallHeld;
import io.ctiserver.events.CallOffered;
import io.ctiserver.events.CallRecord;
import io.ctiserver.events.CallRetrieved;
import io.ctiserver.events.CallTransferred;
import io.ctiserver.events.CallView;
import io.ctiserver.events.MonitoringStarted;
import io.ctiserver.events.MonitoringStopped;
import io.ctiserver.events.Party;
import io.ctiserver.events.PbxLinkChanged;
import io.ctiserver.events.QueueUpdated;
import io.ctiserver.events.QueueView;
import io.ctiserver.presence.Contact;
import io.ctiserver.presence.PresenceChange;
import io.ctiserver.presence.PresenceEntry;
import io.ctiserver.server.gateway.presence.PhoneEvent;
import java.util.List;
import java.util.Map;

/**
 * What the fan-out's inbox needs to know of each item: whether it is a snapshot (and of what), and its weight.
 *
 * <p><b>Snapshots</b> (coalesced: a later one of the same key supersedes a waiting one, see {@link FanoutInbox}):
 * <ul>
 *   <li>{@code queue.stats} (from {@code QueueUpdated}), per PBX and queue: it carries the whole queue (every waiting
 *       caller and member) and its figures, computed from that alone; clients keep the latest per queue.</li>
 *   <li>{@code kpi}: the supervisors' figures, all of them, every {@code kpiIntervalMillis}.</li>
 *   <li>{@code presence}, per PBX and line: its payload is the line's whole entry (state, registration, contacts,
 *       hint) with a version, not the change; clients keep the latest version per line (the JS client ignores an
 *       older version), and the previous entry is not sent. Who sees a line depends on its PBX and id alone
 *       ({@code PresenceAccess.sees}), so the one kept goes to the same desktops as the ones it superseded.</li>
 * </ul>
 * Not snapshots, so never coalesced: the call events (each is a step a desktop acts on: the screen pop, the answer,
 * the end with its record, and webhooks get each one); {@code agent.state} (it carries {@code previous}, the
 * transition, which wallboards and webhooks see; and it is rare, a few per agent per call); {@code pbx.status} (a
 * desktop shows the link going down even if it is back up); {@code phone.dnd} / {@code phone.forward} (they say who
 * set what, and are rare); {@code monitoring.*}, {@code state.reconciled}; and a desktop's presence subscription,
 * which must stay in its place among the presence changes.
 *
 * <p><b>Weight</b>: the bytes the item keeps alive while it waits, estimated from the sizes of its objects on a
 * 64-bit JVM with compressed references, counting each string as if the item held the only reference (most are
 * shared with the tracker's state while the call lives), so the estimate errs high. It is computed on the offering
 * thread (the tracker's), so it reads the item's fields and lists without reflection or serialisation, and counts
 * a queue's waiting callers rather than walking them.
 */
public final class InboxItems {

    /** A record's header and a handful of fields. */
    private static final int OBJECT = 48;
    /** An {@code Instant}. */
    private static final int INSTANT = 24;

    /** The characters counted for each string of a queue entry or member. */
    static final int QUEUE_STRING = 64;
    /** A waiting caller: its slot, the record, its join time, a call id and a caller number. */
    private static final int QUEUE_ENTRY = 4 + 32 + INSTANT + 2 * (40 + QUEUE_STRING);
    /** A member: its slot, the record, interface, name and pause reason. */
    private static final int QUEUE_MEMBER = 4 + OBJECT + 3 * (40 + QUEUE_STRING);

    private InboxItems() {
    }

    /** The key a later item of the same kind supersedes this one by, or null if it is not a snapshot. */
    public static Object snapshotKey(Object item) {
        if (item instanceof QueueUpdated q) {
            return new QueueKey(q.pbx(), q.queue().name());
        }
        if (item instanceof Figures.Kpi) {
            return KpiKey.KPI;
        }
        if (item instanceof PresenceChange pc) {
            return new LineKey(pc.entry().pbx(), pc.entry().id());
        }
        return null;
    }

    private record QueueKey(String pbx, String queue) {
    }

    private record LineKey(String pbx, String id) {
    }

    private enum KpiKey { KPI }

    /** The estimated bytes {@code item} keeps alive. */
    public static long weight(Object item) {
        long w = OBJECT + INSTANT;
        if (item instanceof CallOffered e) {
            return w + call(e.call()) + str(e.agentInterface()) + str(e.agentName());
        } else if (item instanceof CallAnswered e) {
            return w + call(e.call());
        } else if (item instanceof CallHeld e) {
            return w + call(e.call());
        } else if (item instanceof CallRetrieved e) {
            return w + call(e.call());
        } else if (item instanceof CallConferenced e) {
            return w + call(e.call());
        } else if (item instanceof CallTransferred e) {
            return w + call(e.call()) + OBJECT + str(e.transfer().target());
        } else if (item instanceof CallEnded e) {
            return w + record(e.record());
        } else if (item instanceof AgentStateChanged e) {
            return w + agent(e.agent());
        } else if (item instanceof QueueUpdated e) {
            return w + queue(e.queue());
        } else if (item instanceof MonitoringStarted e) {
            return w + str(e.callId()) + str(e.by()) + str(e.detail());
        } else if (item instanceof MonitoringStopped e) {
            return w + str(e.callId()) + str(e.by()) + str(e.detail());
        } else if (item instanceof PbxLinkChanged e) {
            return w + str(e.detail());
        } else if (item instanceof PresenceChange pc) {
            return w + line(pc.entry()) + line(pc.previous());
        } else if (item instanceof PhoneEvent pe) {
            return w + str(pe.type()) + strings(pe.ifaces()) + map(pe.payload());
        } else if (item instanceof Figures.Kpi) {
            // Nine counts, the KPI engine's snapshot (per queue and agent figures: a few KiB with hundreds of
            // agents) and the media figures. At most one waits (a snapshot), so a generous constant will do.
            return w + 16 * 1024;
        }
        return w + OBJECT; // StateReconciled, a presence subscription: a few fields
    }

    static long str(String s) {
        return s == null ? 0 : 40 + s.length();
    }

    private static long strings(List<String> list) {
        long w = 16 + 4L * list.size();
        for (String s : list) {
            w += str(s);
        }
        return w;
    }

    private static long map(Map<?, ?> m) {
        long w = 16 + 8L * m.size();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            w += value(e.getKey()) + value(e.getValue());
        }
        return w;
    }

    private static long value(Object o) {
        return o instanceof String s ? str(s) : 24; // phone events' values: strings, booleans, enums
    }

    private static long call(CallView c) {
        long w = 2 * OBJECT + 3 * INSTANT + str(c.callId()) + str(c.pbx()) + str(c.linkedId()) + str(c.callerNumber())
                + str(c.callerName()) + str(c.dialed()) + str(c.queue()) + str(c.agentInterface())
                + str(c.agentName()) + 16 + 4L * c.parties().size() + map(c.data());
        for (Party p : c.parties()) {
            w += OBJECT + str(p.channel()) + str(p.uniqueid()) + str(p.iface()) + str(p.name()) + str(p.number());
        }
        return w;
    }

    private static long record(CallRecord r) {
        long w = 3 * OBJECT + 3 * INSTANT + str(r.callId()) + str(r.pbx()) + str(r.linkedId())
                + str(r.callerNumber()) + str(r.callerName()) + str(r.dialed()) + str(r.queue()) + str(r.agentName())
                + str(r.agentInterface()) + map(r.data()) + strings(r.relatedCalls());
        // Each element of the lists: a record of a few strings and times, and its slot in the list.
        for (var t : r.transfers()) {
            w += 4 + OBJECT + str(t.target());
        }
        for (var h : r.holds()) {
            w += 4 + OBJECT + INSTANT + str(h.by());
        }
        for (var p : r.parked()) {
            w += 4 + OBJECT + INSTANT + str(p.space()) + str(p.lot()) + str(p.by()) + str(p.retrievedBy())
                    + str(p.outcome());
        }
        for (var c : r.conference()) {
            w += 4 + OBJECT + 2 * INSTANT + str(c.channel()) + str(c.iface()) + str(c.name()) + str(c.number());
        }
        for (var rec : r.recordings()) {
            w += 4 + OBJECT + 2 * INSTANT + str(rec.file()) + str(rec.by());
        }
        for (var s : r.segments()) {
            w += 4 + OBJECT + 2 * INSTANT + str(s.agentName()) + str(s.agentInterface()) + str(s.queue());
        }
        return w;
    }

    private static long agent(AgentView a) {
        return OBJECT + INSTANT + str(a.pbx()) + str(a.iface()) + str(a.memberName()) + str(a.pausedReason())
                + str(a.callId()) + strings(a.queues());
    }

    /**
     * A queue's entries and members are counted, not walked: walking 220 waiting callers' strings cost the tracker
     * 2.4 us per snapshot ({@code bench inbox}), and a queue snapshot waits alone for its queue anyway. Each string is
     * taken as {@link #QUEUE_STRING} characters, more than a call id, a caller number or an interface has.
     */
    private static long queue(QueueView q) {
        return OBJECT + str(q.pbx()) + str(q.name()) + str(q.strategy()) + 32
                + (long) q.entries().size() * QUEUE_ENTRY + (long) q.members().size() * QUEUE_MEMBER;
    }

    private static long line(PresenceEntry e) {
        if (e == null) {
            return 0;
        }
        long w = OBJECT + str(e.pbx()) + str(e.id()) + str(e.hint()) + 16 + 4L * e.contacts().size();
        for (Contact c : e.contacts()) {
            w += 32 + str(c.uri()) + (c.roundtripUsec() == null ? 0 : 16);
        }
        return w;
    }
}
