package io.ctiserver.tracker;

import io.ctiserver.ami.AmiLinkState;
import io.ctiserver.ami.AmiListener;
import io.ctiserver.ami.AmiMessage;
import io.ctiserver.events.CtiEventListener;
import io.ctiserver.events.CtiStateView;
import io.ctiserver.events.PbxLinkChanged;
import io.ctiserver.events.StateReconciled;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state tracker of one PBX: from Asterisk's channel-level AMI events it builds channels, bridges, calls, queues
 * and agents, and emits the call-level {@link io.ctiserver.events.CtiEvent}s.
 *
 * <p>Single writer: {@link #onMessage}, {@link #onLinkState}, {@link #applySnapshot}, {@link #attachData} and
 * {@link #tick} must be called from one thread (the PBX's AMI consumer). Listeners are called on that thread, in
 * order, and must not block. Other threads read {@link #view()}, immutable snapshots republished after each change.
 *
 * <p>Deterministic: the same messages give the same state and events (see {@link TrackerClock} for time).
 *
 * <p>The work is split by feature: {@link ChannelEvents}, {@link BridgeEvents}, {@link QueueEvents},
 * {@link MonitorEvents}, {@link CallEnd} and, after a reconnect, {@link Reconciler}; they share {@link TrackerState}.
 */
public final class Tracker implements AmiListener {

    private static final Logger log = LoggerFactory.getLogger(Tracker.class);
    static final String END_REASON_KEY = CallEnd.END_REASON_KEY;
    static final String LOST_REASON = CallEnd.LOST_REASON;

    private final TrackerState s;
    private final QueueEvents queueEvents;
    private final BridgeEvents bridgeEvents;
    private final MonitorEvents monitor;
    private final CallEnd records;
    private final ChannelEvents channelEvents;

    private long lastUptime = -1;
    private boolean resyncWanted = true;
    /** The last link state seen was CONNECTED or FULLY_BOOTED. */
    private boolean linkUp;
    private Runnable resyncRequester;

    public Tracker(String pbx) {
        this(pbx, TrackerOptions.defaults());
    }

    public Tracker(String pbx, TrackerOptions options) {
        this.s = new TrackerState(Objects.requireNonNull(pbx, "pbx"), Objects.requireNonNull(options, "options"));
        this.queueEvents = new QueueEvents(s);
        this.bridgeEvents = new BridgeEvents(s, queueEvents);
        this.monitor = new MonitorEvents(s);
        this.records = new CallEnd(s, monitor);
        this.channelEvents = new ChannelEvents(s, queueEvents, bridgeEvents, monitor, records);
    }

    public String pbx() {
        return s.pbx;
    }

    public void addListener(CtiEventListener listener) {
        s.listeners.add(Objects.requireNonNull(listener));
    }

    public void removeListener(CtiEventListener listener) {
        s.listeners.remove(listener);
    }

    /** The thread-safe read side. */
    public CtiStateView view() {
        return s.view;
    }

    /**
     * Called (on the tracker thread) when the tracked state must be checked against the PBX: after a connect, a
     * reconnect or a restart. Usually {@link Resync#start()}, which later calls {@link #applySnapshot}.
     */
    public void onResyncNeeded(Runnable requester) {
        this.resyncRequester = requester;
    }

    @Override
    public void onLinkState(String pbx, AmiLinkState state, String detail) {
        s.clock.onMessage(System.currentTimeMillis());
        s.emit(new PbxLinkChanged(s.pbx, s.clock.instant(), state, detail));
        linkUp = state == AmiLinkState.CONNECTED || state == AmiLinkState.FULLY_BOOTED;
        switch (state) {
            case DISCONNECTED, AUTH_FAILED, CONNECTING -> resyncWanted = true;
            case CONNECTED, FULLY_BOOTED -> {
                if (resyncWanted) {
                    requestResync();
                }
            }
        }
    }

    @Override
    public void onMessage(AmiMessage m) {
        String event = m.eventName();
        if (event == null) {
            return;
        }
        s.clock.onMessage(m.receivedAt());
        if (s.clock.millis() >= s.nextWrapUpEnd) {
            queueEvents.endWrapUps();
        }
        if (event.equals("BridgeEnter") || event.equals("BridgeLeave")) {
            s.resyncWindow.touched(m.get("Uniqueid"));
        }
        try {
            dispatch(event, m);
        } catch (RuntimeException e) {
            // One odd event must not stop the tracker; the state is checked again at the next resync.
            log.warn("pbx {}: could not apply {} event: {}", s.pbx, event, e.toString());
        }
        s.publishIfChanged();
    }

    private void dispatch(String event, AmiMessage m) {
        switch (event) {
            case "Newchannel" -> channelEvents.newChannel(m);
            case "Newexten" -> channelEvents.newExten(m);
            case "VarSet" -> channelEvents.varSet(m);
            case "Newstate" -> channelEvents.channelUpdate(m);
            case "NewCallerid" -> channelEvents.newCallerId(m);
            case "NewConnectedLine" -> channelEvents.channelUpdate(m);
            case "HangupRequest", "SoftHangupRequest" -> channelEvents.hangupRequest(m);
            case "Hangup" -> channelEvents.hangup(m);
            case "LocalBridge" -> channelEvents.localBridge(m);
            case "Rename" -> channelEvents.rename(m);
            case "LocalOptimizationBegin" -> s.optimizingSources.put(m.get("LocalOneUniqueid", ""), m.get("SourceUniqueid", ""));
            case "LocalOptimizationEnd" -> channelEvents.localOptimizationEnd(m);
            case "DialBegin" -> channelEvents.dialBegin(m);
            case "DialEnd" -> channelEvents.dialEnd(m);
            case "BridgeCreate" -> s.bridges.computeIfAbsent(m.get("BridgeUniqueid", ""), Bridge::new);
            case "BridgeEnter" -> bridgeEvents.bridgeEnter(m);
            case "BridgeLeave" -> bridgeEvents.bridgeLeave(m);
            case "BridgeDestroy" -> bridgeEvents.bridgeDestroy(m);
            case "Hold" -> bridgeEvents.hold(s.channel(m.get("Uniqueid")), true);
            case "Unhold" -> bridgeEvents.hold(s.channel(m.get("Uniqueid")), false);
            // Park keeps the call (same Linkedid); for the desktop it is a hold until someone picks it up.
            case "ParkedCall" -> bridgeEvents.parkedCall(m);
            case "UnParkedCall" -> bridgeEvents.unparkedCall(m);
            case "ParkedCallTimeOut" -> bridgeEvents.parkEnded(m, "timeout");
            case "ParkedCallGiveUp" -> bridgeEvents.parkEnded(m, "gave_up");
            case "Cdr" -> s.clock.atLeastCdrEnd(m.get("EndTime"));
            case "MusicOnHoldStart" -> bridgeEvents.musicOnHold(m, true);
            case "MusicOnHoldStop" -> bridgeEvents.musicOnHold(m, false);
            case "BlindTransfer" -> bridgeEvents.blindTransfer(m);
            case "AttendedTransfer" -> bridgeEvents.attendedTransfer(m);
            case "QueueCallerJoin" -> queueEvents.queueCallerJoin(m);
            case "QueueCallerLeave" -> queueEvents.queueCallerLeave(m);
            case "QueueCallerAbandon" -> queueEvents.queueCallerAbandon(m);
            case "AgentCalled" -> queueEvents.agentCalled(m);
            case "AgentRingNoAnswer", "AgentDump" -> queueEvents.agentRingEnded(m);
            case "AgentConnect" -> queueEvents.agentConnect(m);
            case "AgentComplete" -> queueEvents.agentComplete(m);
            case "QueueMemberStatus", "QueueMemberPause", "QueueMemberPaused", "QueueMemberAdded",
                 "QueueMemberPenalty", "QueueMemberRinginuse", "QueueMember" -> queueEvents.memberUpdate(m);
            case "QueueMemberRemoved" -> queueEvents.memberRemoved(m);
            case "QueueParams" -> queueEvents.queueParams(m);
            case "MixMonitorStart" -> monitor.mixMonitor(m, true);
            case "MixMonitorStop" -> monitor.mixMonitor(m, false);
            case "ChanSpyStart" -> monitor.chanSpyStart(m);
            case "ChanSpyStop" -> monitor.chanSpyStop(m.get("SpyerUniqueid"));
            case "OriginateResponse" -> monitor.originateResponse(m);
            case "FullyBooted" -> fullyBooted(m);
            case "SuccessfulAuth" -> s.clock.atLeastEventTv(m.get("EventTV"));
            default -> {
                // Unknown or uninteresting events (DeviceStateChange, Cdr, RTCP, ...) cost one switch miss.
            }
        }
    }


    private void fullyBooted(AmiMessage m) {
        long uptime = Headers.parseLong(m.get("Uptime"), -1);
        boolean restarted = uptime >= 0 && lastUptime >= 0 && uptime < lastUptime;
        if (uptime >= 0) {
            lastUptime = uptime;
        }
        if (restarted || resyncWanted) {
            requestResync();
        }
    }

    /**
     * The snapshot a resync asked for never came (on the tracker thread, from {@link Resync}): the link dropped, or
     * Asterisk did not answer. The wish stays, so the next connect asks again; after a timeout on a live link
     * ({@code askAgainNow}) it asks again at once. Without this, a snapshot that failed while the link was coming
     * back up (a FullyBooted before the login's answer) left the state unreconciled until the next drop.
     */
    public void snapshotFailed(boolean askAgainNow) {
        s.resyncWindow.close();
        resyncWanted = true;
        if (askAgainNow && linkUp) {
            requestResync();
        }
    }

    private void requestResync() {
        Runnable r = resyncRequester;
        if (r != null) {
            resyncWanted = false;
            s.resyncWindow.open();
            r.run();
        }
    }

    /**
     * Reconciles the tracked state with what Asterisk reports (on the tracker thread): calls whose channels are gone
     * end with result {@code failed} (or {@code answered} if they were), ended by {@code system}, with
     * {@code cti.endReason} in their data; channels and calls that are new appear; member changes are applied; the
     * differences are emitted, then {@code StateReconciled}.
     */
    public void applySnapshot(PbxSnapshot snap) {
        if (!snap.coreShowChannels().isSuccess()) {
            // An empty list from a refused action would end every call: keep the state, wait for the next resync.
            log.warn("pbx {}: CoreShowChannels refused ({}), state not reconciled", s.pbx,
                    snap.coreShowChannels().message());
            s.resyncWindow.close();
            return;
        }
        s.clock.onMessage(snap.coreShowChannels().response().receivedAt());
        Reconciler.Result result = new Reconciler(s, channelEvents, queueEvents, records).apply(snap);
        s.resyncWindow.close();
        s.emit(new StateReconciled(s.pbx, s.clock.instant(), result.callsEnded(), result.callsAdded(),
                result.membersChanged()));
        s.publishIfChanged();
    }

    /**
     * Lets time pass without an AMI message (call it every second or so on the tracker thread): ends wrap-ups on a
     * quiet PBX. Messages with receive times do the same on their own.
     */
    public void tick(long epochMillis) {
        s.clock.onMessage(epochMillis);
        if (s.clock.millis() >= s.nextWrapUpEnd) {
            queueEvents.endWrapUps();
        }
        s.publishIfChanged();
    }

    /** Attaches a key-value pair to a live call (desktops); it travels with transfers. False if no such call. */
    public boolean attachData(String callId, String key, String value) {
        Call call = s.calls.get(callId);
        if (call == null || key == null || key.isEmpty()) {
            return false;
        }
        if (value == null || value.isEmpty()) {
            call.data.remove(key);
        } else {
            call.data.put(key, value);
        }
        s.touch(call);
        s.publishIfChanged();
        return true;
    }

    // The live maps, for tests in this package.

    Map<String, Channel> channels() {
        return s.channels;
    }

    Map<String, Bridge> bridges() {
        return s.bridges;
    }

    Map<String, Call> calls() {
        return s.calls;
    }
}
