package io.ctiserver.events;

import java.time.Instant;

/**
 * What the state tracker tells the rest of the world: desktops, routing, KPIs, storage and, later, other server
 * nodes over a message bus. Transport-independent values: nothing here knows about AMI sockets or WebSockets.
 *
 * <p>{@link #type()} is the wire name that desktops see ({@code call.offered}, ...).
 */
public sealed interface CtiEvent permits CallOffered, CallAnswered, CallHeld, CallRetrieved, CallTransferred,
        CallConferenced, CallEnded, AgentStateChanged, QueueUpdated, MonitoringStarted, MonitoringStopped,
        PbxLinkChanged, StateReconciled {

    /** The PBX the event is about. */
    String pbx();

    /** When it happened, by the tracker's clock (the receive time of the AMI message that caused it). */
    Instant time();

    /** The wire name, e.g. {@code call.offered}. */
    String type();
}
