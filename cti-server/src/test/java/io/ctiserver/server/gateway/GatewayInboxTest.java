package io.ctiserver.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.events.CallAnswered;
import io.ctiserver.events.CallOffered;
import io.ctiserver.events.CallState;
import io.ctiserver.events.CallView;
import io.ctiserver.events.QueueEntryView;
import io.ctiserver.events.QueueMemberView;
import io.ctiserver.events.QueueUpdated;
import io.ctiserver.events.QueueView;
import io.ctiserver.server.gateway.events.EventFanout;
import io.ctiserver.server.gateway.events.InboxItems;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The fan-out's inbox over real WebSockets, with the fan-out thread held back (the screen pop's customer lookup, which
 * runs on it, waits on a latch): a storm of {@code queue.stats} snapshots leaves one per queue waiting, in its place
 * among the call events, the heap does not grow with the storm, and desktops, connected or resuming, end with the
 * latest queue state; call events that pass the inbox's byte budget are dropped, counted, and every desktop resynced.
 */
class GatewayInboxTest {

    static final Instant T0 = Instant.parse("2026-12-03T14:40:00Z");
    static final String[] QUEUES = {"support", "sales", "billing"};
    static final int CALLERS = 220;

    /** A customer lookup that holds the fan-out thread at the first screen pop until released. */
    static final class StalledLookup implements CustomerLookup {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public Map<String, Object> lookup(CallView call) {
            entered.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Map.of("customerId", "42");
        }
    }

    @Test
    void aStalledFanOutHoldsOneQueueSnapshotPerQueueAndDesktopsEndWithTheLatest() throws Exception {
        StalledLookup lookup = new StalledLookup();
        long budget = 4L << 20;
        try (Fixture f = new Fixture(GatewayResumeTest.config(1024, 4096),
                b -> b.customerLookup(lookup).inboxBounds(65_536, budget))) {
            EventFanout fanout = f.gateway.fanout();
            String token = f.login("sup");
            // One supervisor desktop stays connected; another session of the same user drops and resumes later.
            WsClient away = WsClient.connect(f.port(), "token=" + token);
            String session = away.next("welcome").get("session").asText();
            long lastSeq = away.next("snapshot").get("seq").asLong();
            away.close();
            try (WsClient sup = f.desktop("sup")) {
                f.gateway.onEvent(new CallOffered("pbx1", T0, Fixture.call("c-pop", CallState.RINGING, null, null),
                        Fixture.AGENT_201, "Agent 201"));
                assertTrue(lookup.entered.await(10, TimeUnit.SECONDS), "the fan-out reached the screen pop");

                // The storm: 4 rounds of 1,500 queue updates (220 waiting callers each, as in the 14:40 soak), each
                // round followed by a call event. The tracker makes new entries for each snapshot; their strings
                // are the tracker's, shared.
                long heapBefore = heapAfterGc();
                int[] lastUpdate = new int[QUEUES.length];
                long maxEvents = 0;
                long maxBytes = 0;
                int update = 0;
                for (int round = 0; round < 4; round++) {
                    for (int i = 0; i < 1_500; i++, update++) {
                        int q = update % QUEUES.length;
                        f.gateway.onEvent(queue(QUEUES[q], update));
                        lastUpdate[q] = update;
                        maxEvents = Math.max(maxEvents, fanout.inboxEvents());
                        maxBytes = Math.max(maxBytes, fanout.inboxBytes());
                    }
                    f.gateway.onEvent(new CallAnswered("pbx1", T0.plusSeconds(round),
                            Fixture.call("c" + round, CallState.CONNECTED, Fixture.AGENT_202, "PJSIP/202-0001")));
                }
                long heapGrowth = heapAfterGc() - heapBefore;
                long snapshotWeight = InboxItems.weight(queue("support", 0));
                System.out.printf("GatewayInboxTest: %d queue updates of %d callers (%d estimated bytes each) with "
                                + "the fan-out held: inbox at most %d events, %d bytes; heap grew %d KiB; %d "
                                + "coalesced%n", update, CALLERS, snapshotWeight, maxEvents, maxBytes,
                        heapGrowth >> 10, fanout.coalesced());
                // Waiting at most: 3 queue snapshots, 4 call events and a kpi tick (one too).
                assertTrue(maxEvents <= QUEUES.length + 4 + 1, "inbox held " + maxEvents + " events");
                assertTrue(maxBytes <= (QUEUES.length + 1) * snapshotWeight + 64 * 1024, "inbox held " + maxBytes);
                // Without coalescing the 6,000 snapshots would keep some 8 KB each alive (49 MB) and, at 4 MiB of
                // budget, be dropped from the 100th on.
                assertTrue(heapGrowth < 16L << 20, "heap grew " + (heapGrowth >> 10) + " KiB");
                assertEquals(0, fanout.dropped());
                assertTrue(fanout.coalesced() >= update - QUEUES.length, "coalesced " + fanout.coalesced());

                lookup.release.countDown();
                List<String> seen = eventsUntil(sup, "c3");
                // Nothing overtook anything: the latest snapshots come after the third call event, as offered,
                // before the fourth; each is the queue's last update.
                assertEquals(List.of("call.offered c-pop", "call.answered c0", "call.answered c1", "call.answered c2",
                                "queue.stats billing " + lastUpdate[2], "queue.stats sales " + lastUpdate[1],
                                "queue.stats support " + lastUpdate[0], "call.answered c3"),
                        List.of(seen.get(0), seen.get(1), seen.get(2), seen.get(3),
                                sorted(seen.subList(4, 7)).get(0), sorted(seen.subList(4, 7)).get(1),
                                sorted(seen.subList(4, 7)).get(2), seen.get(7)));
                assertEquals(8, seen.size(), seen.toString());

                HttpResponseCheck.health(f, fanout);

                // The session that was away resumes from its last seq: it gets what the connected one got.
                try (WsClient back = WsClient.connect(f.port(), "token=" + token + "&session=" + session
                        + "&lastSeq=" + lastSeq)) {
                    back.next("welcome");
                    assertEquals(seen, eventsUntil(back, "c3"), "a resumed desktop sees what a connected one saw");
                }
            }
        }
    }

    @Test
    void callEventsBeyondTheByteBudgetAreDroppedCountedAndEveryDesktopResynced() throws Exception {
        StalledLookup lookup = new StalledLookup();
        long budget = 256 << 10;
        try (Fixture f = new Fixture(GatewayResumeTest.config(1024, 4096),
                b -> b.customerLookup(lookup).inboxBounds(65_536, budget));
             WsClient sup = f.desktop("sup")) {
            EventFanout fanout = f.gateway.fanout();
            assertEquals(budget, fanout.inboxBudgetBytes());
            f.gateway.onEvent(new CallOffered("pbx1", T0, Fixture.call("c-pop", CallState.RINGING, null, null),
                    Fixture.AGENT_201, "Agent 201"));
            assertTrue(lookup.entered.await(10, TimeUnit.SECONDS), "the fan-out reached the screen pop");

            // Call events with 8 KB of IVR data each: not snapshots, so they queue until the byte budget (32 or so
            // of them), far below the 65,536 count bound; the tracker's offers return at once.
            Map<String, String> data = new HashMap<>();
            for (int i = 0; i < 40; i++) {
                data.put("IVR_ANSWER_" + i, "x".repeat(200));
            }
            int sent = 0;
            long maxBytes = 0;
            while (fanout.dropped() == 0) {
                assertTrue(sent < 1_000, "no drop after " + sent + " events");
                CallView c = Fixture.call("c" + sent, CallState.CONNECTED, Fixture.AGENT_202, "PJSIP/202-0001");
                c = new CallView(c.callId(), c.pbx(), c.linkedId(), c.direction(), c.state(), c.callerNumber(),
                        c.callerName(), c.dialed(), c.queue(), c.agentInterface(), c.agentName(), c.startedAt(),
                        c.queuedAt(), c.answeredAt(), c.recording(), c.parties(), data);
                f.gateway.onEvent(new CallAnswered("pbx1", T0, c));
                sent++;
                maxBytes = Math.max(maxBytes, fanout.inboxBytes());
            }
            int queued = fanout.inboxEvents();
            System.out.printf("GatewayInboxTest: %d call events of about %d estimated bytes; %d waiting (%d bytes of "
                    + "a %d budget) when the first was dropped%n", sent, maxBytes / Math.max(1, queued), queued,
                    fanout.inboxBytes(), budget);
            assertTrue(maxBytes <= budget, maxBytes + " > " + budget);
            assertTrue(queued < sent && queued > 10, queued + " of " + sent);
            for (int i = 0; i < 50; i++) {
                f.gateway.onEvent(new CallAnswered("pbx1", T0, Fixture.call("more" + i, CallState.CONNECTED,
                        Fixture.AGENT_202, "PJSIP/202-0001")));
            }
            assertTrue(fanout.inboxBytes() <= budget);

            lookup.release.countDown();
            // The events that fit arrive in order, then a resync snapshot replaces what was lost.
            sup.next("call.offered");
            for (int i = 0; i < queued; i++) {
                assertEquals("c" + i, sup.next("call.answered").get("payload").get("call").get("callId").asText());
            }
            JsonNode resync = sup.next(m -> "snapshot".equals(m.path("type").asText()), "resync snapshot");
            assertTrue(resync.get("resync").asBoolean());
            assertTrue(fanout.dropped() >= sent - queued, "dropped " + fanout.dropped());
            await(() -> fanout.inboxEvents() == 0 && fanout.inboxBytes() == 0, "the inbox drained");
            HttpResponseCheck.health(f, fanout);
        }
    }

    /** {@code /api/health} reports the fan-out's counts (and matches the OpenAPI document). */
    static final class HttpResponseCheck {
        static void health(Fixture f, EventFanout fanout) throws Exception {
            JsonNode h = Fixture.json(f.get("/api/health", null));
            assertEquals(fanout.dropped(), h.get("eventsDropped").asLong());
            assertEquals(fanout.coalesced(), h.get("eventsCoalesced").asLong());
            assertTrue(h.get("inboxEvents").asLong() >= 0 && h.get("inboxBytes").asLong() >= 0, h.toString());
        }
    }

    /** "type callId" of the call events and "queue.stats name update" of the queue events, until call {@code last}. */
    static List<String> eventsUntil(WsClient c, String last) throws InterruptedException {
        List<String> out = new ArrayList<>();
        while (true) {
            JsonNode m = c.next(x -> x.has("seq") && !"kpi".equals(x.path("type").asText()), "an event", 30);
            String type = m.get("type").asText();
            JsonNode p = m.get("payload");
            if (type.equals("queue.stats")) {
                JsonNode q = p.get("queue");
                assertEquals(CALLERS, q.get("entries").size());
                out.add(type + " " + q.get("name").asText() + " " + q.get("members").get(0).get("callsTaken").asInt());
            } else {
                String id = p.get("call").get("callId").asText();
                out.add(type + " " + id);
                if (id.equals(last)) {
                    return out;
                }
            }
        }
    }

    private static List<String> sorted(List<String> l) {
        return l.stream().sorted().toList();
    }

    /** A queue with {@link #CALLERS} waiting callers (new entries, as the tracker makes, sharing the strings). */
    static QueueUpdated queue(String name, int update) {
        List<QueueEntryView> entries = new ArrayList<>(CALLERS);
        for (int i = 0; i < CALLERS; i++) {
            entries.add(new QueueEntryView(CALL_IDS[i], i + 1, NUMBERS[i], JOINED[i]));
        }
        QueueMemberView m = new QueueMemberView("PJSIP/201", "Agent 201", 0, false, null, 1, false, update);
        return new QueueUpdated("pbx1", T0, new QueueView("pbx1", name, "rrmemory", entries, List.of(m)));
    }

    static final String[] CALL_IDS = new String[CALLERS];
    static final String[] NUMBERS = new String[CALLERS];
    static final Instant[] JOINED = new Instant[CALLERS];

    static {
        for (int i = 0; i < CALLERS; i++) {
            CALL_IDS[i] = "1764772800." + (1000 + i);
            NUMBERS[i] = "555" + (1000 + i);
            JOINED[i] = T0.plusSeconds(i);
        }
    }

    private static long heapAfterGc() {
        MemoryMXBean m = ManagementFactory.getMemoryMXBean();
        System.gc();
        return m.getHeapMemoryUsage().getUsed();
    }

    private static void await(BooleanSupplier c, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!c.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(10);
        }
    }
}
