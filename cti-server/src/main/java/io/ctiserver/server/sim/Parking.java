package io.ctiserver.server.sim;

import io.ctiserver.ami.AmiMessage;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * res_parking, as Asterisk 22 documents its AMI side: the Park action puts a channel in a space of a lot (a holding
 * bridge with music); ParkedCall, then UnParkedCall when someone dials the space (an Originate to the space's
 * extension), ParkedCallTimeOut when the time runs out, ParkedCallGiveUp when the parked caller hangs up. Each event
 * carries the Parkee snapshot, ParkerDialString, Parkinglot, ParkingSpace, ParkingTimeout and ParkingDuration (and
 * the Retriever snapshot for UnParkedCall). Simplified: a timed-out call is hung up instead of ringing the parker
 * back. Engine thread only.
 */
final class Parking {

    static final int FIRST_SPACE = 701;
    static final int LAST_SPACE = 720;

    private final Pbx pbx;
    private final Map<String, Parked> spaces = new LinkedHashMap<>();

    Parking(Pbx pbx) {
        this.pbx = pbx;
    }

    /** A parked channel: where, since when, who parked it, and its flow before parking (to give the hangup back). */
    private final class Parked implements CallFlow {
        final Chan parkee;
        final String space;
        final String lot;
        final String parkerDialString;
        final long since;
        final long timeoutMs;
        final Bridge bridge;
        SimEngine.Timer timer;

        Parked(Chan parkee, String space, String lot, String parkerDialString, long timeoutMs, Bridge bridge) {
            this.parkee = parkee;
            this.space = space;
            this.lot = lot;
            this.parkerDialString = parkerDialString;
            this.since = pbx.now();
            this.timeoutMs = timeoutMs;
            this.bridge = bridge;
        }

        @Override
        public void hungUpFromOutside(Chan chan, int cause) {
            if (spaces.remove(space) != this) {
                return;
            }
            if (timer != null) {
                timer.cancel();
            }
            pbx.emit(event("ParkedCallGiveUp", null));
            leave();
            pbx.hangupAll(parkee, cause);
        }

        void leave() {
            pbx.emitChan("MusicOnHoldStop", "call,all", parkee);
            pbx.bridgeLeave(parkee);
            pbx.bridgeDestroy(bridge);
        }

        AmiMessage.Builder event(String name, Chan retriever) {
            AmiMessage.Builder b = Pbx.event(name, "call,all");
            parkee.snapshot(b, "Parkee");
            if (retriever != null) {
                retriever.snapshot(b, "Retriever");
            }
            long elapsed = (pbx.now() - since) / 1000;
            long left = timeoutMs <= 0 ? 0 : Math.max(0, timeoutMs / 1000 - elapsed);
            return b.add("ParkerDialString", parkerDialString).add("Parkinglot", lot).add("ParkingSpace", space)
                    .add("ParkingTimeout", Long.toString(left)).add("ParkingDuration", Long.toString(elapsed));
        }
    }

    /** A free space of the lot: the one asked for, else the first free from 701; null when none is free. */
    String freeSpace(String wanted) {
        if (wanted != null && !wanted.isEmpty()) {
            return spaces.containsKey(wanted) ? null : wanted;
        }
        for (int s = FIRST_SPACE; s <= LAST_SPACE; s++) {
            if (!spaces.containsKey(Integer.toString(s))) {
                return Integer.toString(s);
            }
        }
        return null;
    }

    /** Parks a channel that has already left its bridge. */
    void park(Chan parkee, String space, String lot, String parkerDialString, long timeoutMs) {
        Bridge br = pbx.bridgeCreate();
        pbx.bridgeEnter(br, parkee);
        Parked p = new Parked(parkee, space, lot, parkerDialString, timeoutMs, br);
        spaces.put(space, p);
        parkee.flow = p;
        pbx.emit(p.event("ParkedCall", null));
        pbx.emitChan("MusicOnHoldStart", "call,all", parkee, "Class", "default");
        if (timeoutMs > 0) {
            p.timer = pbx.engine.after(timeoutMs, () -> {
                if (spaces.remove(space) == p) {
                    pbx.emit(p.event("ParkedCallTimeOut", null));
                    p.leave();
                    pbx.hangupAll(parkee, 16);
                }
            });
        }
    }

    boolean isParked(String space) {
        return spaces.containsKey(space);
    }

    /**
     * The retriever (an answered channel that dialled the space) picks the call up: UnParkedCall, then both talk
     * in a new bridge until either hangs up.
     */
    void retrieve(String space, Chan retriever, CallFlow retrieverFlow) {
        Parked p = spaces.remove(space);
        if (p == null) {
            return;
        }
        if (p.timer != null) {
            p.timer.cancel();
        }
        pbx.emit(p.event("UnParkedCall", retriever));
        p.leave();
        Chan parkee = p.parkee;
        CallFlow together = (chan, cause) -> {
            // The side hung up goes first, then the other (the bridge breaks), as Asterisk reports it.
            for (Chan c : chan == parkee ? new Chan[] {parkee, retriever} : new Chan[] {retriever, parkee}) {
                if (!c.hungUp) {
                    pbx.hangupAll(c, cause);
                }
            }
            if (retrieverFlow != null) {
                retrieverFlow.hungUpFromOutside(retriever, cause); // frees the retriever's device
            }
        };
        parkee.flow = together;
        retriever.flow = together;
        pbx.bridge(retriever, parkee);
        pbx.engine.after(pbx.traffic().talkSeconds() * 1000, () -> {
            if (!retriever.hungUp) {
                together.hungUpFromOutside(retriever, 16);
            }
        });
    }
}
