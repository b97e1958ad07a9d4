package io.ctiserver.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The record of one finished call: a contract shared by storage, the desktops ({@code call.ended}) and the
 * {@code replay} command. Serialised by Jackson with these field names; times are ISO-8601. Fields are only ever
 * added (at the end), never renamed: storage keeps the record as JSON. See {@code docs/call-record.md}.
 *
 * @param agentName      the queue member's MemberName, e.g. {@code Agent 201}
 * @param agentInterface the queue member's Interface, e.g. {@code Local/201@agents/n} or {@code PJSIP/agent1}
 * @param waitSeconds    time spent waiting in the queue
 * @param talkSeconds    time connected to the agent (or the called party), hold included
 * @param data           key-value data attached to the call by routing, IVR or desktops
 * @param heldSeconds    how long the customer was on hold, in total (the sum of {@code holds})
 * @param holds          every hold, in order
 * @param parked         every time the call was parked, in order
 * @param conference     every party that was in a conference of the call (three or more in its bridge)
 * @param recordings     every recording (MixMonitor) of the call
 * @param segments       each agent who talked to the customer, in order, with their talk time
 * @param relatedCalls   other calls linked to this one: a consultation call the agent placed with its own Linkedid
 *                       (on both records)
 */
public record CallRecord(
        String callId,
        String pbx,
        String linkedId,
        CallDirection direction,
        String callerNumber,
        String callerName,
        String dialed,
        String queue,
        String agentName,
        String agentInterface,
        CallResult result,
        long waitSeconds,
        long talkSeconds,
        EndedBy endedBy,
        List<Transfer> transfers,
        Instant startedAt,
        Instant answeredAt,
        Instant endedAt,
        Map<String, String> data,
        long heldSeconds,
        List<Hold> holds,
        List<Park> parked,
        List<ConferenceParty> conference,
        List<Recording> recordings,
        List<Segment> segments,
        List<String> relatedCalls) {

    public CallRecord {
        transfers = List.copyOf(transfers);
        data = Map.copyOf(data);
        holds = holds == null ? List.of() : List.copyOf(holds);
        parked = parked == null ? List.of() : List.copyOf(parked);
        conference = conference == null ? List.of() : List.copyOf(conference);
        recordings = recordings == null ? List.of() : List.copyOf(recordings);
        segments = segments == null ? List.of() : List.copyOf(segments);
        relatedCalls = relatedCalls == null ? List.of() : List.copyOf(relatedCalls);
    }

    /** A record with the first (original) fields only; the lists added later are empty. */
    public CallRecord(String callId, String pbx, String linkedId, CallDirection direction, String callerNumber,
                      String callerName, String dialed, String queue, String agentName, String agentInterface,
                      CallResult result, long waitSeconds, long talkSeconds, EndedBy endedBy, List<Transfer> transfers,
                      Instant startedAt, Instant answeredAt, Instant endedAt, Map<String, String> data) {
        this(callId, pbx, linkedId, direction, callerNumber, callerName, dialed, queue, agentName, agentInterface,
                result, waitSeconds, talkSeconds, endedBy, transfers, startedAt, answeredAt, endedAt, data, 0,
                List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
    }

    /**
     * One hold: the customer waited (music on hold, a hold context, a phone's hold) while the agent was away.
     *
     * @param by        who put the call on hold: the agent's interface, else the channel that held
     * @param startedAt when the hold began
     * @param seconds   how long it lasted
     */
    public record Hold(String by, Instant startedAt, long seconds) {
    }

    /**
     * One park (res_parking): ParkedCall, then UnParkedCall, ParkedCallTimeOut or ParkedCallGiveUp.
     *
     * @param space       the parking space (ParkingSpace), e.g. {@code 701}
     * @param lot         the parking lot (Parkinglot), e.g. {@code default}
     * @param by          who parked it: the agent's interface, else the parker's channel or dial string
     * @param startedAt   when it was parked
     * @param seconds     how long it stayed parked
     * @param retrievedBy who picked it up: the agent's interface, else the retriever's channel; null if nobody did
     * @param outcome     {@code retrieved}, {@code timeout} (sent back to the parker), {@code gave_up} (the customer
     *                    hung up while parked) or {@code ended} (the call ended without a parking event)
     */
    public record Park(String space, String lot, String by, Instant startedAt, long seconds, String retrievedBy,
                       String outcome) {
    }

    /**
     * A party of a conference: everyone in the call's bridge while three or more were in it.
     *
     * @param channel  the Asterisk channel
     * @param iface    the agent's interface when the party is an agent, else null
     * @param name     display name (caller ID name or member name)
     * @param number   caller ID number or extension
     * @param joinedAt when it entered the bridge
     * @param leftAt   when it left (or the call ended)
     */
    public record ConferenceParty(String channel, String iface, String name, String number, Instant joinedAt,
                                  Instant leftAt) {
    }

    /**
     * A recording (MixMonitorStart to MixMonitorStop, or the end of the call).
     *
     * @param file      the file MixMonitor writes (its MIXMONITOR_FILENAME), null when Asterisk did not say
     * @param startedAt when it started
     * @param stoppedAt when it stopped
     * @param by        the leg it records: the agent's interface when it runs on an agent's leg, else the channel
     */
    public record Recording(String file, Instant startedAt, Instant stoppedAt, String by) {
    }

    /**
     * One agent's part of the call, from the moment the agent was connected to the customer until either left.
     *
     * @param agentName      member name (or null for an agent known only by device)
     * @param agentInterface the member interface
     * @param queue          the queue that connected them, null outside queues
     * @param startedAt      when they were connected
     * @param endedAt        when that part ended
     * @param talkSeconds    its talk time, hold included: app_queue's TalkTime when its AgentComplete closes it,
     *                       else measured
     */
    public record Segment(String agentName, String agentInterface, String queue, Instant startedAt, Instant endedAt,
                          long talkSeconds) {
    }
}
