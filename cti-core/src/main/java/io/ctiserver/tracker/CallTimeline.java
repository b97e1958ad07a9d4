package io.ctiserver.tracker;

import io.ctiserver.events.CallRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What happened during one call, for its record: holds, parks, conference parties, recordings and the agents'
 * segments. Owned by the tracker thread, like its {@link Call}.
 */
final class CallTimeline {

    /**
     * How far apart (ms) an agent's part ending and app_queue's AgentComplete may be for AgentComplete's TalkTime to
     * be that part's talk time: AgentComplete follows the hangup or transfer that ends the part within a few ms.
     * Further apart, the part went on after app_queue closed it (a Redirect-based hold makes app_queue close the call
     * at the unhold) and the measured time counts.
     */
    static final long AGENT_COMPLETE_SLACK_MS = 1500;

    private static final class Hold {
        final String by;
        final Instant start;
        Instant end;

        Hold(String by, Instant start) {
            this.by = by;
            this.start = start;
        }
    }

    private static final class Park {
        final String space;
        final String lot;
        final String by;
        final Instant start;
        Instant end;
        String retrievedBy;
        String outcome;

        Park(String space, String lot, String by, Instant start) {
            this.space = space;
            this.lot = lot;
            this.by = by;
            this.start = start;
        }
    }

    private static final class Party {
        final String channel;
        final String iface;
        final String name;
        final String number;
        final Instant joined;
        Instant left;

        Party(String channel, String iface, String name, String number, Instant joined) {
            this.channel = channel;
            this.iface = iface;
            this.name = name;
            this.number = number;
            this.joined = joined;
        }
    }

    private static final class Recording {
        final String file;
        final String by;
        final Instant start;
        Instant stop;

        Recording(String file, String by, Instant start) {
            this.file = file;
            this.by = by;
            this.start = start;
        }
    }

    static final class Segment {
        final String iface;
        final String name;
        final String queue;
        final Instant start;
        Instant end;
        /** app_queue's TalkTime from AgentComplete, -1 without one. */
        long appTalk = -1;
        /** The clock (ms) when that AgentComplete arrived. */
        long completedAt;
        /**
         * Ended by a Redirect of the caller: app_queue goes on counting until the caller hangs up wherever the
         * Redirect sent them, so its TalkTime is not this agent's.
         */
        boolean redirected;

        Segment(String iface, String name, String queue, Instant start) {
            this.iface = iface;
            this.name = name;
            this.queue = queue;
            this.start = start;
        }

        boolean open() {
            return end == null;
        }

        boolean usesAppTalk() {
            return appTalk >= 0 && !redirected && end != null && Math.abs(completedAt - end.toEpochMilli()) <= AGENT_COMPLETE_SLACK_MS;
        }

        long talkSeconds() {
            long measured = end == null ? 0 : CallEnd.seconds(start, end);
            if (redirected) {
                return measured;
            }
            return usesAppTalk() ? appTalk : Math.max(appTalk, measured);
        }
    }

    private final List<Hold> holds = new ArrayList<>(1);
    private final List<Park> parks = new ArrayList<>(1);
    private final Map<String, Party> conference = new LinkedHashMap<>();
    private final Map<String, Recording> recordingsByChannel = new LinkedHashMap<>();
    private final List<Recording> recordings = new ArrayList<>(1);
    private final List<Segment> segments = new ArrayList<>(2);

    // ---- hold ----

    void holdStarted(String by, Instant at) {
        if (holds.isEmpty() || holds.get(holds.size() - 1).end != null) {
            holds.add(new Hold(by, at));
        }
    }

    void holdEnded(Instant at) {
        if (!holds.isEmpty() && holds.get(holds.size() - 1).end == null) {
            holds.get(holds.size() - 1).end = at;
        }
    }

    // ---- park ----

    boolean parked() {
        return !parks.isEmpty() && parks.get(parks.size() - 1).end == null;
    }

    void parkStarted(String space, String lot, String by, Instant at) {
        if (!parked()) {
            parks.add(new Park(space, lot, by, at));
        }
    }

    void parkEnded(String retrievedBy, String outcome, Instant at) {
        if (parked()) {
            Park p = parks.get(parks.size() - 1);
            p.end = at;
            p.retrievedBy = retrievedBy;
            p.outcome = outcome;
        }
    }

    /** The outcome of the last park, null if never parked. */
    String lastParkOutcome() {
        return parks.isEmpty() ? null : parks.get(parks.size() - 1).outcome;
    }

    // ---- conference ----

    void conferenceJoined(String uniqueid, String channel, String iface, String name, String number, Instant at) {
        Party p = conference.get(uniqueid);
        if (p == null || p.left != null) {
            conference.put(uniqueid, new Party(channel, iface, name, number, at));
        }
    }

    boolean inConference(String uniqueid) {
        Party p = conference.get(uniqueid);
        return p != null && p.left == null;
    }

    boolean conferenceStarted() {
        return !conference.isEmpty();
    }

    void conferenceLeft(String uniqueid, Instant at) {
        Party p = conference.get(uniqueid);
        if (p != null && p.left == null) {
            p.left = at;
        }
    }

    // ---- recording ----

    void recordingStarted(String uniqueid, String file, String by, Instant at) {
        Recording r = recordingsByChannel.get(uniqueid);
        if (r == null || r.stop != null) {
            r = new Recording(file, by, at);
            recordingsByChannel.put(uniqueid, r);
            recordings.add(r);
        }
    }

    void recordingStopped(String uniqueid, Instant at) {
        Recording r = recordingsByChannel.get(uniqueid);
        if (r != null && r.stop == null) {
            r.stop = at;
        }
    }

    // ---- agents' segments ----

    /** An agent is connected to the customer; a part already open for that agent goes on. */
    void segmentStarted(String iface, String name, String queue, Instant at) {
        if (iface == null || openSegment(iface) != null) {
            return;
        }
        segments.add(new Segment(iface, name, queue, at));
    }

    Segment openSegment(String iface) {
        for (int i = segments.size() - 1; i >= 0; i--) {
            Segment seg = segments.get(i);
            if (seg.open() && seg.iface.equals(iface)) {
                return seg;
            }
        }
        return null;
    }

    void segmentEnded(String iface, Instant at) {
        Segment seg = iface == null ? null : openSegment(iface);
        if (seg != null) {
            seg.end = at;
        }
    }

    void allSegmentsEnded(Instant at) {
        allSegmentsEnded(at, false);
    }

    void allSegmentsEnded(Instant at, boolean byRedirect) {
        for (Segment seg : segments) {
            if (seg.open()) {
                seg.end = at;
                seg.redirected = byRedirect;
            }
        }
    }

    boolean hasOpenSegment() {
        for (Segment seg : segments) {
            if (seg.open()) {
                return true;
            }
        }
        return false;
    }

    /** app_queue's AgentComplete for that agent: its TalkTime goes to the agent's latest part. */
    void agentCompleted(String iface, long talkSeconds, long clockMillis) {
        for (int i = segments.size() - 1; i >= 0; i--) {
            Segment seg = segments.get(i);
            if (seg.iface.equals(iface)) {
                if (seg.appTalk < 0) {
                    seg.appTalk = talkSeconds;
                    seg.completedAt = clockMillis;
                }
                return;
            }
        }
    }

    boolean hasSegments() {
        return !segments.isEmpty();
    }

    // ---- the record ----

    /** Closes what is still open at the call's end and gives the record's lists. */
    Parts finish(Instant end) {
        holdEnded(end);
        parkEnded(null, "ended", end);
        allSegmentsEnded(end);
        long held = 0;
        List<CallRecord.Hold> h = new ArrayList<>(holds.size());
        for (Hold x : holds) {
            long secs = CallEnd.seconds(x.start, x.end);
            held += secs;
            h.add(new CallRecord.Hold(x.by, x.start, secs));
        }
        List<CallRecord.Park> p = new ArrayList<>(parks.size());
        for (Park x : parks) {
            p.add(new CallRecord.Park(x.space, x.lot, x.by, x.start, CallEnd.seconds(x.start, x.end), x.retrievedBy,
                    x.outcome));
        }
        List<CallRecord.ConferenceParty> c = new ArrayList<>(conference.size());
        for (Party x : conference.values()) {
            c.add(new CallRecord.ConferenceParty(x.channel, x.iface, x.name, x.number, x.joined,
                    x.left == null ? end : x.left));
        }
        List<CallRecord.Recording> r = new ArrayList<>(recordings.size());
        for (Recording x : recordings) {
            r.add(new CallRecord.Recording(x.file, x.start, x.stop == null ? end : x.stop, x.by));
        }
        List<CallRecord.Segment> s = new ArrayList<>(segments.size());
        for (Segment x : segments) {
            long t = x.talkSeconds();
            // With app_queue's figure, the part ends where app_queue says (the replay clock may lag behind it).
            Instant e = x.usesAppTalk() && x.start.plusSeconds(t).isAfter(x.end) ? x.start.plusSeconds(t) : x.end;
            s.add(new CallRecord.Segment(x.name, x.iface, x.queue, x.start, e, t));
        }
        return new Parts(held, h, p, c, r, s, connectedSeconds(s));
    }

    /**
     * The time the customer was connected to an agent: the segments' talk, where segments overlap (two agents on at
     * once: a conference, a call between two agents) counted once.
     */
    private static long connectedSeconds(List<CallRecord.Segment> parts) {
        List<CallRecord.Segment> sorted = new ArrayList<>(parts);
        sorted.sort((a, b) -> a.startedAt().compareTo(b.startedAt()));
        long total = 0;
        int i = 0;
        while (i < sorted.size()) {
            CallRecord.Segment first = sorted.get(i);
            Instant groupEnd = first.endedAt();
            long longest = first.talkSeconds();
            int j = i + 1;
            while (j < sorted.size() && sorted.get(j).startedAt().isBefore(groupEnd)) {
                CallRecord.Segment next = sorted.get(j);
                groupEnd = next.endedAt().isAfter(groupEnd) ? next.endedAt() : groupEnd;
                longest = Math.max(longest, next.talkSeconds());
                j++;
            }
            total += j == i + 1 ? longest : Math.max(longest, CallEnd.seconds(first.startedAt(), groupEnd));
            i = j;
        }
        return total;
    }

    record Parts(long heldSeconds, List<CallRecord.Hold> holds, List<CallRecord.Park> parked,
                 List<CallRecord.ConferenceParty> conference, List<CallRecord.Recording> recordings,
                 List<CallRecord.Segment> segments, long segmentTalkSeconds) {
    }
}
