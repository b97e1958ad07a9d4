package io.ctiserver.server.sim;

/**
 * A connected queue call whose two legs one Redirect (Channel + ExtraChannel) sent to the {@code cti-hold} context:
 * the CTI server's hold. Asterisk 22 does it this way (capture R1): both legs leave the queue bridge without an
 * AgentComplete, the customer hears music ({@code hold} extension), the agent's channel waits ({@code wait}); the
 * Bridge action joins them again in a new bridge, and app_queue writes COMPLETEAGENT to the queue_log only then.
 * From then on the hangup of either side ends the other. Engine thread only.
 */
final class HeldPair implements CallFlow {

    static final String HOLD_CONTEXT = "cti-hold";

    enum Phase { HELD, BRIDGED, DONE }

    private final Pbx pbx;
    private final QueueCall call;
    final Chan customer;
    final Chan agent;
    /** What is left of the scripted talk time when the hold began: it runs on after the Bridge. */
    private final long talkLeftMs;
    private Phase phase = Phase.HELD;
    private boolean musicOnHold;
    private SimEngine.Timer talkTimer;

    private HeldPair(Pbx pbx, QueueCall call, long talkLeftMs) {
        this.pbx = pbx;
        this.call = call;
        this.customer = call.caller;
        this.agent = call.connected.dialed;
        this.talkLeftMs = talkLeftMs;
    }

    /**
     * The queue call whose two bridged legs are exactly {@code a} and {@code b}, both sent to {@code cti-hold}; null
     * when this Redirect is anything else (a transfer of one leg, another context).
     */
    static QueueCall heldBy(Chan a, Chan b, String contextA, String contextB) {
        if (a == null || b == null || !HOLD_CONTEXT.equals(contextA) || !HOLD_CONTEXT.equals(contextB)) {
            return null;
        }
        QueueCall qc = a.flow instanceof QueueCall q ? q : b.flow instanceof QueueCall q2 ? q2 : null;
        if (qc == null || qc.phase != QueueCall.Phase.CONNECTED || qc.atxfer != null || qc.caller.bridge == null) {
            return null;
        }
        Chan agentLeg = qc.connected.dialed;
        boolean pair = (a == qc.caller && b == agentLeg) || (b == qc.caller && a == agentLeg);
        return pair && agentLeg.bridge == qc.caller.bridge ? qc : null;
    }

    /** The hold, in R1's order; {@code customerExten} / {@code agentExten} are the Redirect's targets. */
    static HeldPair hold(Pbx pbx, QueueCall qc, String customerExten, String agentExten) {
        HeldPair p = new HeldPair(pbx, qc, qc.leaveForHold());
        // Every channel of both legs (a Local pair's other half too), so a hangup of any of them ends the pair.
        for (Chan c : new Chan[] {p.customer, p.customer.localPeer, p.agent, p.agent.localPeer}) {
            if (c != null) {
                c.flow = p;
            }
        }
        // The new dialplan position first (priority 1, still the queue's application), the agent's leg first.
        newExten(pbx, p.agent, agentExten, 1);
        newExten(pbx, p.customer, customerExten, 1);
        Bridge br = p.customer.bridge;
        pbx.bridgeLeave(p.agent);
        pbx.bridgeLeave(p.customer);
        pbx.bridgeDestroy(br);
        p.runHoldExten(p.agent, agentExten);
        p.runHoldExten(p.customer, customerExten);
        return p;
    }

    private static void newExten(Pbx pbx, Chan c, String exten, int priority) {
        c.location(HOLD_CONTEXT, exten, priority);
        pbx.emitChan("Newexten", "dialplan,all", c, "Extension", exten, "Application", c.app, "AppData", c.appData);
    }

    /** The testbed's [cti-hold]: {@code hold} plays MusicOnHold(default), {@code wait} is Wait(3600). */
    private void runHoldExten(Chan c, String exten) {
        boolean music = "hold".equals(exten);
        c.app(music ? "MusicOnHold" : "Wait", music ? "default" : "3600");
        newExten(pbx, c, exten, 2);
        if (music) {
            musicOnHold = true;
            pbx.emitChan("MusicOnHoldStart", "call,all", c, "Class", "default");
        }
    }

    /** True when {@code a} and {@code b} are this pair, in either order, still on hold. */
    static HeldPair of(Chan a, Chan b) {
        if (a.flow instanceof HeldPair p && p == b.flow && p.phase == Phase.HELD
                && ((a == p.agent && b == p.customer) || (a == p.customer && b == p.agent))) {
            return p;
        }
        return null;
    }

    /** The Bridge action on this pair: {@code first} (Channel1) enters the new bridge first, as in R1. */
    void bridge(Chan first) {
        Chan second = first == agent ? customer : agent;
        phase = Phase.BRIDGED;
        // After the bridge a channel goes on in the dialplan at the next priority (features.c); R1 shows 3.
        agent.location(agent.context, agent.exten, 3);
        customer.location(customer.context, customer.exten, 3);
        Bridge br = pbx.bridgeCreate();
        pbx.bridgeEnter(br, first);
        if (musicOnHold) {
            musicOnHold = false;
            pbx.emitChan("MusicOnHoldStop", "call,all", customer);
        }
        pbx.bridgeEnter(br, second);
        pbx.setVar(first, "BRIDGEPEER", second.name);
        pbx.setVar(second, "BRIDGEPEER", first.name);
        // app_queue ends the call here, in the queue_log only: no AgentComplete event (R1).
        call.completeQuietly("COMPLETEAGENT");
        talkTimer = pbx.engine.after(talkLeftMs, () -> hungUpFromOutside(agent, 16));
    }

    @Override
    public void hungUpFromOutside(Chan chan, int cause) {
        boolean agentSide = chan == agent || chan == agent.localPeer;
        if (phase == Phase.DONE || !agentSide && chan != customer && chan != customer.localPeer) {
            return;
        }
        if (talkTimer != null) {
            talkTimer.cancel();
        }
        if (phase == Phase.HELD) {
            // Not captured: the call ends on hold. The queue_log says who ended it; the simulator does not leave the
            // other party waiting in cti-hold forever.
            call.completeQuietly(agentSide ? "COMPLETEAGENT" : "COMPLETECALLER");
        }
        phase = Phase.DONE;
        Chan first = agentSide ? agent : customer;
        Chan second = agentSide ? customer : agent;
        // R1: the side hung up leaves the bridge and is gone; then the other leaves, the bridge goes, and it ends too.
        Bridge br = first.bridge;
        if (first.localPeer != null) {
            pbx.hangupAll(first, cause);
        } else {
            pbx.hangup(first, cause);
        }
        pbx.bridgeLeave(second);
        if (br != null) {
            pbx.bridgeDestroy(br);
        }
        Chan two = second.localPeer != null && second.isLocalOne() ? second.localPeer : second;
        Chan one = two.localPeer;
        pbx.softHangupRequest(two, cause);
        if (one != null && !one.hungUp) {
            pbx.hangupRequest(one, cause);
        }
        pbx.hangup(two, cause);
        call.memberFree(call.connected.member);
        if (one != null) {
            pbx.hangup(one, cause);
        }
    }

    QueueCall call() {
        return call;
    }

    /** The agent is on this call until one side hangs up (the member's device stays in use). */
    boolean agentEngaged() {
        return phase != Phase.DONE;
    }
}
