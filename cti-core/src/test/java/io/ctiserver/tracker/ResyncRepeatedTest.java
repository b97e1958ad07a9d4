package io.ctiserver.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.ami.AmiResponse;
import io.ctiserver.events.CallState;
import io.ctiserver.events.CallView;
import io.ctiserver.events.QueueView;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A resync after a reconnect sees callers who were already waiting before it: those still in the queue stay queued
 * (with the time they joined), those gone from it leave the queued state, in the state and in the view alike.
 */
class ResyncRepeatedTest {

    private static final AmiMessage LIST_START = AmiMessage.of("Response", "Success", "EventList", "start");
    private static final AmiResponse ONE_CALLER = new AmiResponse(LIST_START, List.of(AmiMessage.of(
            "Event", "CoreShowChannel", "Channel", "PJSIP/trunk-00000001", "ChannelState", "6",
            "CallerIDNum", "5551001", "Context", "incoming", "Exten", "5000", "Uniqueid", "1795458481.4",
            "Linkedid", "1795458481.4", "Application", "Queue", "BridgeId", "")));

    private static AmiResponse queueStatus(boolean callerWaiting) {
        AmiMessage params = AmiMessage.of("Event", "QueueParams", "Queue", "support", "Strategy", "rrmemory");
        AmiMessage entry = AmiMessage.of("Event", "QueueEntry", "Queue", "support", "Position", "1",
                "Channel", "PJSIP/trunk-00000001", "Uniqueid", "1795458481.4", "Wait", "5");
        return new AmiResponse(LIST_START, callerWaiting ? List.of(params, entry) : List.of(params));
    }

    @Test
    void aCallerStillWaitingStaysQueuedThroughASecondResync() {
        Tracker tracker = new Tracker("pbx1");
        tracker.applySnapshot(new PbxSnapshot(ONE_CALLER, queueStatus(true)));
        CallView first = tracker.view().call("1795458481.4").orElseThrow();

        tracker.applySnapshot(new PbxSnapshot(ONE_CALLER, queueStatus(true)));

        assertEquals(CallState.QUEUED, tracker.calls().get("1795458481.4").state);
        tracker.attachData("1795458481.4", "ticket", "T-1"); // a fresh view of the call, built from its state
        CallView again = tracker.view().call("1795458481.4").orElseThrow();
        assertEquals(CallState.QUEUED, again.state());
        assertEquals(first.queuedAt(), again.queuedAt());
        QueueView support = tracker.view().queues().get(0);
        assertEquals(1, support.entries().size());
        assertEquals(first.queuedAt(), support.entries().get(0).joinedAt(), "joined when first seen, not now");
    }

    @Test
    void aCallerGoneFromTheQueueIsNoLongerQueued() {
        Tracker tracker = new Tracker("pbx1");
        tracker.applySnapshot(new PbxSnapshot(ONE_CALLER, queueStatus(true)));

        tracker.applySnapshot(new PbxSnapshot(ONE_CALLER, queueStatus(false)));

        assertEquals(CallState.DIALPLAN, tracker.view().call("1795458481.4").orElseThrow().state());
        assertEquals(List.of(), tracker.view().queues().get(0).entries());
    }
}
