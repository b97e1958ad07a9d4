package io.ctiserver.server.sim;

import io.ctiserver.ami.AmiMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One app_queue queue: its members, its waiting callers and its running statistics. */
final class SimQueue {

    /** A queue member (an interface in this queue). */
    static final class Member {
        final String iface;
        final String name;
        final String stateInterface;
        final boolean dynamic;
        final Device device;
        int penalty;
        boolean paused;
        String pausedReason = "";
        int callsTaken;
        long lastCall;
        long lastPause;
        long loginTime;
        boolean ringinuse;

        Member(String iface, String name, String stateInterface, boolean dynamic, Device device, int penalty) {
            this.iface = iface;
            this.name = name;
            this.stateInterface = stateInterface;
            this.dynamic = dynamic;
            this.device = device;
            this.penalty = penalty;
        }
    }

    final Pbx pbx;
    final String name;
    final String strategy;
    final int timeout;
    final int retry;
    final int wrapup;
    final int maxWait;
    final Map<String, Member> members = new LinkedHashMap<>();
    final List<QueueCall> entries = new ArrayList<>();
    int completed;
    int abandoned;
    double holdAvg;
    double talkAvg;
    private int rrNext;

    SimQueue(Pbx pbx, SimConfig.QueueConfig qc) {
        this.pbx = pbx;
        this.name = qc.name();
        this.strategy = qc.strategy() == null ? "ringall" : qc.strategy();
        if (!List.of("ringall", "rrmemory", "leastrecent", "fewestcalls").contains(strategy)) {
            throw new IllegalArgumentException("queue " + name + ": unknown strategy " + strategy);
        }
        this.timeout = qc.timeout() == null ? 15 : qc.timeout();
        this.retry = qc.retry() == null ? 5 : qc.retry();
        this.wrapup = qc.wrapupTime() == null ? 0 : qc.wrapupTime();
        this.maxWait = qc.maxWait() == null ? 0 : qc.maxWait();
        for (SimConfig.MemberConfig mc : qc.members()) {
            Member m = new Member(mc.iface(), mc.name() == null ? mc.iface() : mc.name(), mc.iface(), false,
                    pbx.device(mc.iface(), mc), mc.penalty() == null ? 0 : mc.penalty());
            m.paused = Boolean.TRUE.equals(mc.paused());
            m.loginTime = pbx.now() / 1000;
            if (m.paused) {
                m.lastPause = m.loginTime;
            }
            members.put(m.iface, m);
        }
    }

    void reset() {
        entries.clear();
        completed = 0;
        abandoned = 0;
        holdAvg = 0;
        talkAvg = 0;
        members.values().removeIf(m -> m.dynamic);
        for (Member m : members.values()) {
            m.callsTaken = 0;
            m.lastCall = 0;
            m.loginTime = pbx.now() / 1000;
        }
    }

    boolean available(Member m) {
        Device d = m.device;
        return !m.paused && !d.busy && !d.ringing && pbx.now() >= d.wrapUntil;
    }

    /** The members to ring next for one caller, by strategy; empty when nobody is free. */
    List<Member> pick() {
        List<Member> free = new ArrayList<>();
        int best = Integer.MAX_VALUE;
        for (Member m : members.values()) {
            if (available(m)) {
                if (m.penalty < best) {
                    free.clear();
                    best = m.penalty;
                }
                if (m.penalty == best) {
                    free.add(m);
                }
            }
        }
        if (free.isEmpty() || strategy.equals("ringall")) {
            return free;
        }
        Member chosen = switch (strategy) {
            case "leastrecent" -> free.stream().min((a, b) -> Long.compare(a.lastCall, b.lastCall)).orElseThrow();
            case "fewestcalls" -> free.stream().min((a, b) -> Integer.compare(a.callsTaken, b.callsTaken)).orElseThrow();
            default -> rrmemory(free);
        };
        return List.of(chosen);
    }

    private Member rrmemory(List<Member> free) {
        List<Member> all = new ArrayList<>(members.values());
        for (int i = 0; i < all.size(); i++) {
            Member m = all.get((rrNext + i) % all.size());
            if (free.contains(m)) {
                rrNext = (all.indexOf(m) + 1) % all.size();
                return m;
            }
        }
        return free.get(0);
    }

    /** Offers free members to waiting callers, in queue order. */
    void kick() {
        for (QueueCall qc : new ArrayList<>(entries)) {
            if (qc.canRing()) {
                qc.tryRing();
                if (qc.phase == QueueCall.Phase.WAITING) {
                    // Nobody was free for this caller, so nobody is for the ones behind: stop scanning.
                    return;
                }
            }
        }
    }

    int position(QueueCall qc) {
        return entries.indexOf(qc) + 1;
    }

    void recordHold(double seconds) {
        holdAvg = (holdAvg * 3 + seconds) / 4;
    }

    void recordTalk(double seconds) {
        talkAvg = (talkAvg * 3 + seconds) / 4;
    }

    // ---- member events --------------------------------------------------------------------------------------------

    void memberEvent(String event, Member m) {
        AmiMessage.Builder b = Pbx.event(event, "agent,all").add("Queue", name);
        memberFields(b, m, true);
        pbx.emit(b);
    }

    void memberFields(AmiMessage.Builder b, Member m, boolean eventStyle) {
        if (eventStyle) {
            b.add("MemberName", m.name).add("Interface", m.iface);
        } else {
            b.add("Name", m.name).add("Location", m.iface);
        }
        b.add("StateInterface", m.stateInterface)
                .add("Membership", m.dynamic ? "dynamic" : "static")
                .add("Penalty", Integer.toString(m.penalty))
                .add("CallsTaken", Integer.toString(m.callsTaken))
                .add("LastCall", Long.toString(m.lastCall))
                .add("LastPause", Long.toString(m.lastPause))
                .add("LoginTime", Long.toString(m.loginTime))
                .add("InCall", m.device.busy ? "1" : "0")
                .add("Status", Integer.toString(m.device.status()))
                .add("Paused", m.paused ? "1" : "0")
                .add("PausedReason", m.pausedReason);
        if (eventStyle) {
            b.add("Ringinuse", m.ringinuse ? "1" : "0");
        }
        b.add("Wrapuptime", Integer.toString(wrapup));
    }

    String agentName(Member m) {
        // log_membername_as_agent = yes in the testbed
        return m.name;
    }
}
