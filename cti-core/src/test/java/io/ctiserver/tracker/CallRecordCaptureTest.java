package io.ctiserver.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.events.CallDirection;
import io.ctiserver.events.CallOffered;
import io.ctiserver.events.CallRecord;
import io.ctiserver.events.CallResult;
import io.ctiserver.events.CtiEvent;
import io.ctiserver.events.EndedBy;
import io.ctiserver.events.Json;
import io.ctiserver.events.Transfer;
import io.ctiserver.testing.Captures;
import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The call record contract (docs/call-record.md) on the real Asterisk 22 captures: the R* captures of the server's
 * own commands, and the hand-labelled records of 07, 10 and 11.
 */
class CallRecordCaptureTest {

    private static CallRecord onlyRecord(ReplayHarness h) {
        List<CallRecord> records = h.records();
        assertEquals(1, records.size(), "one call record: " + records);
        return records.get(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"07_redirect_transfer_of_caller", "10_sales_queue_ringall",
            "11_sip_three_concurrent_calls_two_local_one_sip_agent"})
    void recordsMatchTheHandLabelledOnes(String capture) throws IOException {
        JsonNode expected = Json.mapper().readTree(Captures.file("expected-records-07-10-11.json").toFile()).get(capture);
        List<CallRecord> records = ReplayHarness.capture(capture + ".txt").records();
        assertEquals(expected.size(), records.size(), "number of calls");
        for (JsonNode want : expected) {
            CallRecord got = records.stream().filter(r -> r.linkedId().equals(want.get("linkedId").asText()))
                    .findFirst().orElseThrow(() -> new AssertionError("no record for " + want.get("linkedId")));
            // Through text, as a consumer of the contract reads it (numbers compare as numbers, not Java types).
            JsonNode gotNode = Json.mapper().readTree(Json.mapper().writeValueAsString(got));
            for (Iterator<Map.Entry<String, JsonNode>> it = want.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                assertEquals(field.getValue(), gotNode.get(field.getKey()), capture + " " + want.get("linkedId")
                        + " field " + field.getKey());
            }
        }
    }

    @Test
    void r1HoldByRedirectCoversTheWholeTimeWithTheAgentAndRecordsTheHold() {
        ReplayHarness h = ReplayHarness.capture("R1_cti_hold_unhold.txt");
        assertEquals(List.of("call.offered", "call.offered", "call.answered", "call.held", "call.retrieved",
                "call.ended"), h.callTypes());
        CallRecord r = onlyRecord(h);
        assertEquals("1796280968.4", r.callId());
        assertEquals(CallResult.ANSWERED, r.result());
        assertEquals("SIP Agent 1", r.agentName());
        assertEquals(2, r.waitSeconds());
        // Connected at 06:56:10, the server's hangup at 06:56:24 (the agent's Cdr EndTime); queue_log's
        // COMPLETEAGENT says 10 because app_queue closes the call at the unhold, and AMI has no AgentComplete.
        assertEquals(13, r.talkSeconds(), "the whole time with the agent, hold included");
        assertEquals(EndedBy.AGENT, r.endedBy(), "the server hung up the agent's channel");
        assertEquals(List.of(), r.transfers(), "a hold is not a transfer");
        assertEquals(1, r.holds().size());
        assertEquals("PJSIP/agent1", r.holds().get(0).by());
        assertEquals(r.heldSeconds(), r.holds().get(0).seconds());
        assertEquals(1, r.segments().size());
        CallRecord.Segment seg = r.segments().get(0);
        assertEquals("PJSIP/agent1", seg.agentInterface());
        assertEquals("support", seg.queue());
        assertEquals(13, seg.talkSeconds());
        assertEquals(r.answeredAt(), seg.startedAt());
    }

    @Test
    void r2AttendedTransferIsUnchanged() {
        CallRecord r = onlyRecord(ReplayHarness.capture("R2_cti_attended_transfer.txt"));
        assertEquals("1796280999.9", r.callId());
        assertEquals(List.of(new Transfer(Transfer.Kind.ATTENDED, "3")), r.transfers());
        assertEquals(EndedBy.TRANSFER, r.endedBy());
        assertEquals(8, r.talkSeconds(), "queue_log ATTENDEDTRANSFER ...|2|8|1");
        assertEquals(2, r.waitSeconds());
        assertEquals(1, r.holds().size(), "Atxfer holds the agent's channel while consulting");
        assertEquals("PJSIP/agent1", r.holds().get(0).by());
        assertEquals(List.of("SIP Agent 1"), r.segments().stream().map(CallRecord.Segment::agentName).toList());
        assertEquals(8, r.segments().get(0).talkSeconds());
    }

    @Test
    void r3ConferenceIsOneCallWithItsParties() {
        ReplayHarness h = ReplayHarness.capture("R3_cti_conference.txt");
        assertEquals(List.of("call.offered", "call.offered", "call.answered", "call.conferenced", "call.ended"),
                h.callTypes());
        CallRecord r = onlyRecord(h);
        assertEquals("1796281030.14", r.callId(), "the target's leg (Linkedid 1796281035.19) is a party, not a call");
        assertEquals(CallResult.ANSWERED, r.result());
        assertEquals(11, r.talkSeconds(), "AgentComplete TalkTime 11 (queue_log COMPLETECALLER|2|11|1)");
        assertEquals(EndedBy.CALLER, r.endedBy(), "the customer hung up first");
        assertEquals(List.of(), r.transfers(), "a conference is not a transfer");
        assertEquals(List.of("Local/5000@incoming-00000005;2", "PJSIP/agent1-00000002", "Local/300@from-agents-00000007;1"),
                r.conference().stream().map(CallRecord.ConferenceParty::channel).toList());
        CallRecord.ConferenceParty target = r.conference().get(2);
        assertEquals("300", target.number());
        assertTrue(target.leftAt().isAfter(target.joinedAt()));
        assertEquals("PJSIP/agent1", r.conference().get(1).iface());
        assertEquals(List.of("SIP Agent 1"), r.segments().stream().map(CallRecord.Segment::agentName).toList());
    }

    @Test
    void r4ClickToDialIsTheAgentsOutboundCall() {
        ReplayHarness h = ReplayHarness.capture("R4_cti_click_to_dial_outbound.txt");
        assertEquals(List.of("call.offered", "call.answered", "call.ended"), h.callTypes());
        CallOffered ringing = h.of(CallOffered.class).get(0);
        assertEquals("PJSIP/agent1", ringing.agentInterface(), "the Originate rings the agent's phone: its desktop sees it");
        CallRecord r = onlyRecord(h);
        assertEquals("1796281061.21", r.callId());
        assertEquals(CallDirection.OUTBOUND, r.direction());
        assertEquals("5559001", r.dialed());
        assertEquals("PJSIP/agent1", r.agentInterface(), "the agent owns it");
        assertEquals(CallResult.ANSWERED, r.result());
        // The far end answered at 06:57:45 and the agent hung up at 06:57:55 (CDR billsec 10); the capture's own
        // facts place the answer no later than 06:57:43, so the replay may count up to 2 s more.
        assertTrue(r.talkSeconds() >= 10 && r.talkSeconds() <= 12, "talk " + r.talkSeconds());
        assertEquals(EndedBy.AGENT, r.endedBy(), "the agent hung up");
        assertNull(r.queue());
        assertEquals(List.of("PJSIP/agent1"), r.segments().stream().map(CallRecord.Segment::agentInterface).toList());
    }

    @Test
    void capture07RedirectIsATransferToTheTargetExtension() {
        ReplayHarness h = ReplayHarness.capture("07_redirect_transfer_of_caller.txt");
        CallRecord r = onlyRecord(h);
        assertEquals(List.of(new Transfer(Transfer.Kind.REDIRECT, "300")), r.transfers());
        assertEquals(EndedBy.TRANSFER, r.endedBy(), "app_queue's late 'caller' does not undo the Redirect");
        CallRecord.Segment seg = r.segments().get(0);
        assertTrue(seg.talkSeconds() < 18, "the agent's part ends at the Redirect, not with app_queue's TalkTime");
    }

    @Test
    void capture12RecordingHasItsFileAndTimes() {
        CallRecord r = onlyRecord(ReplayHarness.capture("12_mixmonitor_and_chanspy_during_call.txt"));
        assertEquals(1, r.recordings().size());
        CallRecord.Recording rec = r.recordings().get(0);
        assertEquals("/var/spool/asterisk/monitor/cti-test-1795458626.45.wav", rec.file(), "VarSet MIXMONITOR_FILENAME");
        assertEquals("Local/5000@incoming-00000013;2", rec.by(), "MixMonitor ran on the caller's leg");
        assertFalse(rec.stoppedAt().isBefore(rec.startedAt()));
        assertTrue(Duration.between(rec.startedAt(), rec.stoppedAt()).toSeconds() < r.talkSeconds());
    }

    @Test
    void everyRecordKeepsItsListsConsistent() {
        for (var capture : Captures.all()) {
            ReplayHarness h = new ReplayHarness().feed(io.ctiserver.ami.capture.CaptureReader.readAll(capture, "pbx1"));
            for (CallRecord r : h.records()) {
                assertEquals(r.holds().stream().mapToLong(CallRecord.Hold::seconds).sum(), r.heldSeconds(),
                        capture + " " + r.callId());
                assertTrue(r.heldSeconds() <= Math.max(r.talkSeconds(), 0) + 1, capture + " held within talk");
                if (r.answeredAt() == null) {
                    assertEquals(List.of(), r.segments(), capture + " unanswered call has no agent segments");
                }
                for (CallRecord.Segment s : r.segments()) {
                    assertFalse(s.endedAt().isBefore(s.startedAt()), capture + " segment times");
                }
            }
            assertTrue(h.events.stream().map(CtiEvent::type).noneMatch(String::isEmpty));
        }
    }
}
