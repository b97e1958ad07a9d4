package io.ctiserver.events;

/**
 * One member of one queue, as app_queue reports it.
 *
 * @param status Asterisk's device status number (QueueMemberStatus Status: 1 not in use, 2 in use, 6 ringing, ...)
 */
public record QueueMemberView(
        String iface,
        String memberName,
        int penalty,
        boolean paused,
        String pausedReason,
        int status,
        boolean inCall,
        int callsTaken) {
}
