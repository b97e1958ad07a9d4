package io.ctiserver.tracker;

import io.ctiserver.events.CallState;
import io.ctiserver.events.EndedBy;
import io.ctiserver.events.Party;
import io.ctiserver.events.Transfer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The conversation the customer sees. Its identity is the Linkedid of its first channel: Asterisk gives that
 * Linkedid to every channel the call creates (Local halves, agents rung, transfer targets), so the call keeps one id
 * across Local pairs, transfers, Redirects and hold.
 */
final class Call {

    final String id;
    final String linkedId;
    /** When its first channel was created; a call found by a resync gets it from CoreShowChannel's Duration. */
    Instant startedAt;
    final String firstContext;
    CallState state = CallState.DIALPLAN;
    Channel callerChannel;
    String callerNum;
    String callerName;
    String dialed;
    String queue;
    Instant queuedAt;
    Instant answeredAt;
    Instant segmentAnsweredAt;
    String agentIface;
    String agentName;
    boolean recording;
    boolean abandoned;
    /** AgentComplete's Reason of the last agent segment: caller, agent or transfer. */
    String agentEndReason;
    boolean answeredSinceAgentEnd;
    long waitSeconds = -1;
    long talkSeconds = -1;
    EndedBy firstHangup;
    boolean blindTransferPending;
    /** The supervisor leg of a ChanSpy: not a customer call, so it leaves no record. */
    boolean monitorLeg;
    int liveChannels;
    /** Destination Uniqueid of each ringing agent leg, and the member interface rung. */
    final Map<String, String> ringing = new LinkedHashMap<>(2);
    /** When each ringing agent leg started (clock millis), for AgentRingNoAnswer's RingTime. */
    final Map<String, Long> ringStartedAt = new java.util.HashMap<>(2);
    final Map<String, Party> parties = new LinkedHashMap<>(4);
    final Map<String, String> data = new LinkedHashMap<>(4);
    final List<Transfer> transfers = new ArrayList<>(1);
    String endReason;
    /** Holds, parks, conference, recordings and the agents' parts, for the record. */
    final CallTimeline timeline = new CallTimeline();
    /** The agent whose device placed the call (its first channel), or null: that agent owns it. */
    String ownerIface;
    /** The owner's desktop was told (call.offered) that the call rings. */
    boolean ownerOffered;
    /** Other calls linked to this one (a consultation call with its own Linkedid). */
    final java.util.Set<String> relatedCalls = new java.util.LinkedHashSet<>(1);
    /** The last view built; null after a change. */
    io.ctiserver.events.CallView view;

    Call(String linkedId, Instant startedAt, String firstContext) {
        this.id = linkedId;
        this.linkedId = linkedId;
        this.startedAt = startedAt;
        this.firstContext = firstContext;
    }

    boolean isCallerSide(Channel ch) {
        if (callerChannel != null && ch.sameSideAs(callerChannel)) {
            return true;
        }
        return ch.uniqueid.equals(linkedId) || (ch.localPeer != null && ch.localPeer.uniqueid.equals(linkedId));
    }

    boolean connected() {
        return state == CallState.CONNECTED || state == CallState.HELD;
    }
}
