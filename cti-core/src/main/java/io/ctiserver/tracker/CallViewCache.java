package io.ctiserver.tracker;

import io.ctiserver.events.CallView;
import io.ctiserver.events.QueueView;

/**
 * Builds a call's or queue's immutable view at most once per change: events and the published snapshot share it,
 * and an unchanged call costs nothing when the snapshot is republished.
 */
final class CallViewCache {

    CallView call(Call call, TrackerState tracker) {
        CallView v = call.view;
        if (v == null) {
            v = tracker.buildView(call);
            call.view = v;
        }
        return v;
    }

    void remove(Call call) {
        call.view = null;
    }

    QueueView queue(QueueState q, TrackerState tracker) {
        QueueView v = q.view;
        if (v == null) {
            v = tracker.buildQueueView(q);
            q.view = v;
        }
        return v;
    }

    void queueChanged(QueueState q) {
        q.view = null;
    }
}
