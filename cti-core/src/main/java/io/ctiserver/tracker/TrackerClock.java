package io.ctiserver.tracker;

import java.time.Instant;

/**
 * The tracker's notion of now. A live link stamps each message with its receive time, and that is used as is. A
 * capture has no timestamps ({@code receivedAt() == 0}); then a deterministic logical clock runs, so that a replay
 * gives the same times every run:
 * <ul>
 *   <li>it starts at the epoch and moves 1 ms forward per message;</li>
 *   <li>it jumps forward (never back) to facts Asterisk states in the stream: the creation second in a Newchannel's
 *       Uniqueid ({@code 1795458467.0}), a QueueMemberStatus {@code LastCall}, and queue join + {@code HoldTime} or
 *       answer + {@code TalkTime} from app_queue's AgentConnect, QueueCallerAbandon and AgentComplete.</li>
 * </ul>
 */
final class TrackerClock {

    private long now;
    private boolean logical;
    private Instant instant;

    /** Sets the clock for one message; {@code receivedAt} 0 means "no timestamp". */
    void onMessage(long receivedAt) {
        if (receivedAt > 0) {
            logical = false;
            now = Math.max(now, receivedAt);
        } else {
            logical = true;
            now++;
        }
        instant = null;
    }

    /** A fact from the stream says it is at least {@code epochMillis}; only the logical clock follows it. */
    void atLeast(long epochMillis) {
        if (logical && epochMillis > now) {
            now = epochMillis;
            instant = null;
        }
    }

    /** A Uniqueid's creation second, e.g. {@code 1795458467.0} or {@code sysname-1795458467.0}. */
    void atLeastUniqueid(String uniqueid) {
        if (!logical || uniqueid == null) {
            return;
        }
        int dot = uniqueid.lastIndexOf('.');
        int start = uniqueid.lastIndexOf('-', dot) + 1;
        if (dot <= start) {
            return;
        }
        long secs = 0;
        for (int i = start; i < dot; i++) {
            char c = uniqueid.charAt(i);
            if (c < '0' || c > '9') {
                return;
            }
            secs = secs * 10 + (c - '0');
        }
        atLeast(secs * 1000);
    }

    long millis() {
        return now;
    }

    Instant instant() {
        Instant i = instant;
        if (i == null) {
            i = Instant.ofEpochMilli(now);
            instant = i;
        }
        return i;
    }
}
