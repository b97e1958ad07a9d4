package io.ctiserver.contact;

import io.ctiserver.contact.ContactEvent.Withdrawn.Reason;
import io.ctiserver.events.CallResult;
import io.ctiserver.events.EndedBy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Routes contacts of every medium to agents by capacity: the contact goes to the eligible agent (member of the
 * queue, ready, not yet tried for this contact, with room under the blending rules of {@link CapacityConfig}) with
 * the most free capacity for its medium; ties go by the queue's {@link QueueSettings.Order}. The offer holds the
 * capacity until accepted, declined or timed out; then the next agent is tried. When every member has been tried,
 * the round starts over, but the agent who let it go last gets it again only after one more offer timeout.
 *
 * <p>Deterministic and single-writer: not thread-safe, never reads a clock (every input carries its time), and every
 * input returns the events it caused, in order. The server runs it on one thread; readers get snapshots from it.
 */
public final class ContactRouter {

    /** The reason of the Asterisk queue pause while chats fill an agent. */
    public static final String PAUSE_REASON = "busy:chat";

    private final CapacityConfig capacity;
    private final Map<String, QueueSettings> queueSettings;
    private final Map<String, AgentSlot> agents = new HashMap<>();
    /**
     * Per queue and medium, the agents who could take a contact of that medium now (ready, room under the blending
     * rules), best first: most free capacity, then the queue's order. Picking is the first one not excluded, so
     * routing does not scan every member. An agent is taken out before any of its ordering fields change and put
     * back by {@link #changed}.
     */
    private final Map<String, EnumMap<Medium, TreeSet<AgentSlot>>> eligible = new HashMap<>();
    private final Map<String, Live> contacts = new HashMap<>();
    private final TreeMap<String, TreeSet<Live>> waiting = new TreeMap<>();
    private final TreeSet<Live> offers = new TreeSet<>(Comparator.comparing((Live l) -> l.offerExpires)
            .thenComparingLong(l -> l.seq));
    private long seq;
    private long joins;

    public ContactRouter(CapacityConfig capacity, Collection<QueueSettings> queues) {
        this.capacity = capacity;
        this.queueSettings = new HashMap<>();
        queues.forEach(q -> queueSettings.put(q.name(), q));
    }

    public QueueSettings queue(String name) {
        return queueSettings.computeIfAbsent(name, QueueSettings::of);
    }

    // ---- agents ------------------------------------------------------------------------------------------------

    /** The agent is ready for contacts of {@code queues} (again; the queues replace earlier ones). */
    public List<ContactEvent> agentReady(String agent, String team, Collection<String> queues, Instant now) {
        List<ContactEvent> out = new ArrayList<>();
        AgentSlot a = agents.computeIfAbsent(agent, id -> new AgentSlot(id, now));
        unindex(a);
        a.team = team;
        a.capacity = capacity.forAgent(agent, team);
        if (!a.queues.equals(List.copyOf(queues))) {
            a.joined = ++joins;
        }
        a.queues = List.copyOf(queues);
        for (String q : a.queues) {
            queue(q);
        }
        a.ready = true;
        changed(a, now, out);
        dispatch(now, out);
        return out;
    }

    /** No new offers; pending offers go back to the queue. Active contacts stay the agent's until closed. */
    public List<ContactEvent> agentAway(String agent, Instant now) {
        List<ContactEvent> out = new ArrayList<>();
        AgentSlot a = agents.get(agent);
        if (a == null || !a.ready) {
            return out;
        }
        unindex(a);
        a.ready = false;
        for (String id : List.copyOf(a.contacts)) {
            Live l = contacts.get(id);
            if (l.state == ContactState.OFFERED) {
                withdraw(l, Reason.AGENT_AWAY, now, out);
            }
        }
        changed(a, now, out);
        dispatch(now, out);
        return out;
    }

    /**
     * The agent's phone rings or talks ({@code busy}), or is free again: voice load 1 or 0, from the tracker's agent
     * state. An agent the router does not know yet is remembered (not ready) so that their voice load counts.
     */
    public List<ContactEvent> voiceBusy(String agent, boolean busy, Instant now) {
        List<ContactEvent> out = new ArrayList<>();
        AgentSlot a = agents.computeIfAbsent(agent, id -> new AgentSlot(id, now));
        int v = busy ? 1 : 0;
        if (a.load.voice() == v) {
            return out;
        }
        unindex(a);
        a.load = a.load.with(Medium.VOICE, v);
        changed(a, now, out);
        if (!busy) {
            dispatch(now, out);
        }
        return out;
    }

    // ---- contacts ----------------------------------------------------------------------------------------------

    public List<ContactEvent> enqueue(Contact c, Instant now) {
        if (contacts.containsKey(c.id())) {
            throw new ContactException(ContactException.Reason.WRONG_STATE, "contact " + c.id() + " exists");
        }
        List<ContactEvent> out = new ArrayList<>();
        Live l = new Live(c, now, ++seq);
        contacts.put(c.id(), l);
        queue(c.queue());
        toQueue(l, now, out);
        dispatch(now, out);
        return out;
    }

    public List<ContactEvent> accept(String id, String agent, Instant now) {
        Live l = owned(id, agent, ContactState.OFFERED);
        offers.remove(l);
        l.state = ContactState.ACTIVE;
        l.offerExpires = null;
        l.acceptedAt = now;
        return List.of(new ContactEvent.Accepted(now, l.view()));
    }

    public List<ContactEvent> decline(String id, String agent, Instant now) {
        Live l = owned(id, agent, ContactState.OFFERED);
        List<ContactEvent> out = new ArrayList<>();
        withdraw(l, Reason.DECLINED, now, out);
        dispatch(now, out);
        return out;
    }

    /** The owner's reply (chat message, email answer): the first one is the contact's answer. */
    public List<ContactEvent> replied(String id, String agent, Instant now) {
        Live l = owned(id, agent, ContactState.ACTIVE);
        if (l.answeredAt != null) {
            return List.of();
        }
        l.answeredAt = now;
        return List.of(new ContactEvent.Answered(now, l.view()));
    }

    /** The owner hands the contact to another agent, who gets it offered at once (if they have room). */
    public List<ContactEvent> transferToAgent(String id, String from, String to, Instant now) {
        Live l = owned(id, from, ContactState.ACTIVE);
        AgentSlot target = agents.get(to);
        if (target == null || !target.ready) {
            throw new ContactException(ContactException.Reason.UNKNOWN_AGENT, "agent " + to + " is not ready");
        }
        if (to.equals(from) || !capacity.canTake(l.contact.medium(), target.capacity, target.load)) {
            throw new ContactException(ContactException.Reason.NO_CAPACITY, "agent " + to + " has no room for a "
                    + l.contact.medium().wire());
        }
        List<ContactEvent> out = new ArrayList<>();
        release(l, Reason.TRANSFERRED, now, out);
        offer(l, target, now, out);
        dispatch(now, out);
        return out;
    }

    /** The owner sends the contact to another queue (or back to its own), where it is routed like a new one. */
    public List<ContactEvent> transferToQueue(String id, String from, String queue, Instant now) {
        Live l = owned(id, from, ContactState.ACTIVE);
        List<ContactEvent> out = new ArrayList<>();
        release(l, Reason.TRANSFERRED, now, out);
        l.tried.clear();
        l.tried.add(from);
        l.contact = l.contact.inQueue(queue);
        queue(queue);
        toQueue(l, now, out);
        dispatch(now, out);
        return out;
    }

    /**
     * Ends a contact. {@code agent} must own it (null: the system or the customer may end it in any state).
     * Unanswered: abandoned when the customer ended it, else unanswered.
     */
    public List<ContactEvent> close(String id, String agent, EndedBy endedBy, String disposition,
                                    Map<String, String> data, Instant now) {
        Live l = agent == null ? live(id) : owned(id, agent, ContactState.ACTIVE);
        List<ContactEvent> out = new ArrayList<>();
        String owner = l.agent;
        if (l.state == ContactState.QUEUED) {
            waiting.get(l.contact.queue()).remove(l);
        } else if (l.state == ContactState.OFFERED) {
            release(l, Reason.CLOSED, now, out);
            owner = null;
        }
        if (l.state == ContactState.ACTIVE) {
            AgentSlot a = agents.get(l.agent);
            a.contacts.remove(id);
            unindex(a);
            a.load = a.load.plus(l.contact.medium(), -1);
            changed(a, now, out);
        }
        l.state = ContactState.CLOSED;
        contacts.remove(id);
        CallResult result = l.answeredAt != null ? CallResult.ANSWERED
                : endedBy == EndedBy.CALLER ? CallResult.ABANDONED : CallResult.UNANSWERED;
        Map<String, String> d = new HashMap<>(l.contact.routingData());
        if (data != null) {
            d.putAll(data);
        }
        Instant waitEnd = l.answeredAt != null ? l.answeredAt : now;
        out.add(new ContactEvent.Closed(now, new ContactRecord(id, l.contact.medium(), l.contact.queue(), owner,
                l.contact.customer(), result, ContactRecord.seconds(l.queuedAt, waitEnd),
                ContactRecord.seconds(l.acceptedAt, now), endedBy, l.queuedAt, l.answeredAt, now, disposition, d)));
        dispatch(now, out);
        return out;
    }

    /** Lets time pass: offers past their timeout go to the next agent; declined contacts may be retried. */
    public List<ContactEvent> tick(Instant now) {
        List<ContactEvent> out = new ArrayList<>();
        while (!offers.isEmpty() && !offers.first().offerExpires.isAfter(now)) {
            withdraw(offers.first(), Reason.TIMEOUT, now, out);
        }
        dispatch(now, out);
        return out;
    }

    // ---- reads -------------------------------------------------------------------------------------------------

    public Optional<ContactView> contact(String id) {
        Live l = contacts.get(id);
        return l == null ? Optional.empty() : Optional.of(l.view());
    }

    public Optional<AgentLoad> load(String agent) {
        AgentSlot a = agents.get(agent);
        return a == null ? Optional.empty() : Optional.of(a.view());
    }

    public List<AgentLoad> loads() {
        return agents.values().stream().map(AgentSlot::view).sorted(Comparator.comparing(AgentLoad::agent)).toList();
    }

    public List<ContactView> contacts() {
        return contacts.values().stream().sorted(Comparator.comparingLong(l -> l.seq)).map(Live::view).toList();
    }

    public int waiting(String queue) {
        TreeSet<Live> w = waiting.get(queue);
        return w == null ? 0 : w.size();
    }

    // ---- the routing -------------------------------------------------------------------------------------------

    private void dispatch(Instant now, List<ContactEvent> out) {
        for (Map.Entry<String, TreeSet<Live>> e : waiting.entrySet()) {
            TreeSet<Live> queue = e.getValue();
            if (queue.isEmpty()) {
                continue;
            }
            EnumMap<Medium, TreeSet<AgentSlot>> m = eligible.get(e.getKey());
            if (m == null) {
                continue;
            }
            QueueSettings qs = queue(e.getKey());
            // A medium no one can take now stops the scan for that medium (unless the contact excluded agents).
            EnumSet<Medium> full = EnumSet.noneOf(Medium.class);
            Iterator<Live> it = queue.iterator();
            while (it.hasNext() && full.size() < Medium.values().length) {
                Live l = it.next();
                Medium med = l.contact.medium();
                if (full.contains(med)) {
                    continue;
                }
                AgentSlot best = best(m.get(med), l, now);
                if (best == null) {
                    if (l.tried.isEmpty()) {
                        full.add(med);
                    }
                    continue;
                }
                it.remove();
                offer(l, best, now, out);
            }
        }
    }

    private AgentSlot best(TreeSet<AgentSlot> candidates, Live l, Instant now) {
        AgentSlot best = find(candidates, l.tried, null);
        if (best == null && !l.tried.isEmpty()) {
            // Everyone was tried: start over, except the agent who just let it go, until their cool-down ends.
            String coolingDown = l.lastAgent != null && now.isBefore(l.retryAt) ? l.lastAgent : null;
            best = find(candidates, Set.of(), coolingDown);
            if (best != null) {
                l.tried.clear();
            }
        }
        return best;
    }

    /** The first eligible agent (best first) not excluded. */
    private static AgentSlot find(TreeSet<AgentSlot> candidates, Set<String> skip, String skipAlso) {
        for (AgentSlot a : candidates) {
            if (!skip.contains(a.id) && !a.id.equals(skipAlso)) {
                return a;
            }
        }
        return null;
    }

    private void index(AgentSlot a) {
        if (!a.ready) {
            return;
        }
        for (String q : a.queues) {
            EnumMap<Medium, TreeSet<AgentSlot>> byMedium = eligible.computeIfAbsent(q, x -> sets(queue(x)));
            for (Medium m : Medium.values()) {
                if (capacity.canTake(m, a.capacity, a.load)) {
                    byMedium.get(m).add(a);
                }
            }
        }
    }

    private void unindex(AgentSlot a) {
        for (String q : a.queues) {
            EnumMap<Medium, TreeSet<AgentSlot>> byMedium = eligible.get(q);
            if (byMedium != null) {
                for (TreeSet<AgentSlot> set : byMedium.values()) {
                    set.remove(a);
                }
            }
        }
    }

    private static EnumMap<Medium, TreeSet<AgentSlot>> sets(QueueSettings qs) {
        EnumMap<Medium, TreeSet<AgentSlot>> out = new EnumMap<>(Medium.class);
        for (Medium m : Medium.values()) {
            Comparator<AgentSlot> free = Comparator.comparingInt(a -> -(a.capacity.of(m) - a.load.of(m)));
            Comparator<AgentSlot> order = qs.order() == QueueSettings.Order.LONGEST_IDLE
                    ? free.thenComparing(a -> a.since) : free.thenComparingLong(a -> a.joined);
            out.put(m, new TreeSet<>(order.thenComparing(a -> a.id)));
        }
        return out;
    }

    private void offer(Live l, AgentSlot a, Instant now, List<ContactEvent> out) {
        l.state = ContactState.OFFERED;
        l.agent = a.id;
        l.offerExpires = now.plusSeconds(queue(l.contact.queue()).offerTimeoutSeconds());
        l.tried.add(a.id);
        offers.add(l);
        a.contacts.add(l.contact.id());
        unindex(a);
        a.load = a.load.plus(l.contact.medium(), 1);
        out.add(new ContactEvent.Offered(now, l.view()));
        changed(a, now, out);
    }

    /** Ends an offer: back to the queue, the agent's capacity freed. */
    private void withdraw(Live l, Reason reason, Instant now, List<ContactEvent> out) {
        l.lastAgent = l.agent;
        l.retryAt = now.plusSeconds(queue(l.contact.queue()).offerTimeoutSeconds());
        release(l, reason, now, out);
        toQueue(l, now, out);
    }

    /** Ends the offer or the ownership and frees the agent's capacity; the caller says where the contact goes. */
    private void release(Live l, Reason reason, Instant now, List<ContactEvent> out) {
        AgentSlot a = agents.get(l.agent);
        offers.remove(l);
        a.contacts.remove(l.contact.id());
        unindex(a);
        a.load = a.load.plus(l.contact.medium(), -1);
        String agent = l.agent;
        l.agent = null;
        l.offerExpires = null;
        l.state = ContactState.QUEUED;
        out.add(new ContactEvent.Withdrawn(now, l.view(), agent, reason));
        changed(a, now, out);
    }

    private void toQueue(Live l, Instant now, List<ContactEvent> out) {
        l.state = ContactState.QUEUED;
        waiting.computeIfAbsent(l.contact.queue(), q -> new TreeSet<>(Live.ORDER)).add(l);
        out.add(new ContactEvent.Queued(now, l.view()));
    }

    /** After an agent's fields changed (the caller took it out of the index first): event, pause, back in. */
    private void changed(AgentSlot a, Instant now, List<ContactEvent> out) {
        unindex(a);
        a.since = now;
        index(a);
        boolean blocked = a.load.chat() >= capacity.voiceBlockedAt(a.capacity) && a.capacity.chat() > 0;
        out.add(new ContactEvent.LoadChanged(now, a.view()));
        if (blocked != a.voiceBlocked) {
            a.voiceBlocked = blocked;
            out.add(new ContactEvent.VoicePause(now, a.id, blocked, PAUSE_REASON));
        }
    }

    private Live live(String id) {
        Live l = contacts.get(id);
        if (l == null) {
            throw new ContactException(ContactException.Reason.NOT_FOUND, "no live contact '" + id + "'");
        }
        return l;
    }

    private Live owned(String id, String agent, ContactState state) {
        Live l = live(id);
        if (!agent.equals(l.agent)) {
            throw new ContactException(ContactException.Reason.NOT_YOURS, "contact " + id + " is not yours");
        }
        if (l.state != state) {
            throw new ContactException(ContactException.Reason.WRONG_STATE, "contact " + id + " is "
                    + l.state.wire() + ", not " + state.wire());
        }
        return l;
    }

    private final class AgentSlot {
        final String id;
        String team;
        List<String> queues = List.of();
        Capacity capacity;
        Capacity load = Capacity.NONE;
        boolean ready;
        boolean voiceBlocked;
        Instant since;
        /** When it joined its current queues: the LINEAR order. */
        long joined;
        final Set<String> contacts = new HashSet<>();

        AgentSlot(String id, Instant now) {
            this.id = id;
            this.since = now;
            this.capacity = ContactRouter.this.capacity.forAgent(id, null);
        }

        AgentLoad view() {
            return new AgentLoad(id, team, queues, ready, capacity, load, voiceBlocked, since);
        }
    }

    private static final class Live {
        static final Comparator<Live> ORDER = Comparator.comparingInt((Live l) -> -l.contact.priority())
                .thenComparing(l -> l.queuedAt).thenComparingLong(l -> l.seq);

        Contact contact;
        ContactState state = ContactState.QUEUED;
        String agent;
        final Instant queuedAt;
        final long seq;
        Instant offerExpires;
        Instant acceptedAt;
        Instant answeredAt;
        /** The agent who last declined or let the offer time out, offered it again from {@code retryAt} only. */
        String lastAgent;
        Instant retryAt;
        final Set<String> tried = new HashSet<>();

        Live(Contact contact, Instant queuedAt, long seq) {
            this.contact = contact;
            this.queuedAt = queuedAt;
            this.seq = seq;
        }

        ContactView view() {
            return new ContactView(contact, state, agent, queuedAt, offerExpires, acceptedAt, answeredAt);
        }
    }
}
