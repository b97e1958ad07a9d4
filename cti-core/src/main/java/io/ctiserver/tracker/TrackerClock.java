package io.ctiserver.tracker;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The tracker's notion of now. A live link stamps each message with its receive time, and that is used as is. A
 * capture has no timestamps ({@code receivedAt() == 0}); then a deterministic logical clock runs, so that a replay
 * gives the same times every run:
 * <ul>
 *   <li>it starts at the epoch and moves 1 ms forward per message;</li>
 *   <li>it jumps forward (never back) to facts Asterisk states in the stream: the creation second in a Newchannel's
 *       Uniqueid ({@code 1795458467.0}), the {@code EventTV} of a security event (SuccessfulAuth, at login), a
 *       QueueMemberStatus {@code LastCall}, ring start + {@code RingTime} (AgentRingNoAnswer), and queue join +
 *       {@code HoldTime} or answer + {@code TalkTime} from app_queue's AgentConnect, QueueCallerAbandon and
 *       AgentComplete, and a Cdr's {@code EndTime}. (Not app_queue's QUEUETALKTIME: that is the queue's
 *       average, not the call's.)</li>
 * </ul>
 */
final class TrackerClock {

    private static final DateTimeFormatter EVENT_TV = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

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

    /** A security event's {@code EventTV}, e.g. {@code 2026-11-23T18:27:47.969+0000}. */
    void atLeastEventTv(String eventTv) {
        if (!logical || eventTv == null) {
            return;
        }
        try {
            atLeast(OffsetDateTime.parse(eventTv, EVENT_TV).toInstant().toEpochMilli());
        } catch (DateTimeParseException e) {
            // Not a time we can read: the clock just does not jump.
        }
    }

    private static final DateTimeFormatter CDR_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final long QUARTER_HOUR_MS = 15 * 60_000L;

    /**
     * A Cdr event's {@code EndTime} ({@code 2026-12-03 06:56:24}): Asterisk posts a CDR once it has ended, so now is
     * at least that. The time is the PBX's local time without a zone; the zone offset is taken as the whole quarter
     * hour nearest to the difference with the clock (time-zone offsets are quarter hours, and the logical clock is
     * never far behind).
     */
    void atLeastCdrEnd(String endTime) {
        if (!logical || endTime == null || endTime.length() != 19) {
            return;
        }
        try {
            long local = java.time.LocalDateTime.parse(endTime, CDR_TIME).toInstant(java.time.ZoneOffset.UTC)
                    .toEpochMilli();
            long offset = Math.round((double) (local - now) / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
            atLeast(local - offset);
        } catch (DateTimeParseException e) {
            // Not a time we can read: the clock just does not jump.
        }
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
