package io.ctiserver.tracker;

import io.ctiserver.events.QueueMemberView;

/** One member of one queue, as app_queue last reported it. */
final class QueueMember {

    final String queue;
    final String iface;
    String memberName;
    int penalty;
    boolean paused;
    String pausedReason;
    int status;
    boolean inCall;
    int callsTaken;
    int wrapUpSeconds;

    QueueMember(String queue, String iface) {
        this.queue = queue;
        this.iface = iface;
    }

    QueueMemberView view() {
        return new QueueMemberView(iface, memberName, penalty, paused, pausedReason, status, inCall, callsTaken);
    }
}
