package io.ctiserver.server.gateway.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.server.gateway.events.FanoutInbox.Offer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The fan-out's inbox: first in, first out; a snapshot supersedes the waiting one of its key and joins at the tail (so
 * what comes out is what went in, in order, less superseded snapshots); bounded by count and by weight, refusing
 * without waiting.
 */
class FanoutInboxTest {

    @Test
    void itemsWithoutKeyComeOutInTheOrderTheyWentIn() throws Exception {
        FanoutInbox<String> inbox = new FanoutInbox<>(10_000, Long.MAX_VALUE);
        for (int i = 0; i < 5_000; i++) {
            assertEquals(Offer.QUEUED, inbox.offer("call-" + i, null, 100));
        }
        assertEquals(5_000, inbox.size());
        assertEquals(500_000, inbox.weight());
        for (int i = 0; i < 5_000; i++) {
            assertEquals("call-" + i, inbox.take().item());
        }
        assertTrue(inbox.isEmpty());
        assertEquals(0, inbox.weight());
    }

    @Test
    void aSnapshotSupersedesTheWaitingOneOfItsKeyAndNothingOvertakesAnything() throws Exception {
        FanoutInbox<String> inbox = new FanoutInbox<>(100, 10_000);
        assertEquals(Offer.QUEUED, inbox.offer("support v1", "support", 700));
        assertEquals(Offer.QUEUED, inbox.offer("call.offered c1", null, 100));
        assertEquals(Offer.QUEUED, inbox.offer("sales v1", "sales", 700));
        assertEquals(Offer.COALESCED, inbox.offer("support v2", "support", 800));
        assertEquals(Offer.QUEUED, inbox.offer("call.answered c1", null, 100));
        assertEquals(Offer.COALESCED, inbox.offer("support v3", "support", 900));
        assertEquals(4, inbox.size(), "one snapshot per key waits");
        assertEquals(100 + 700 + 100 + 900, inbox.weight(), "the superseded ones' weight is given back");

        // The latest support snapshot comes after both call events, as it was offered: the state a desktop sees at
        // each step is one the server had at that step.
        assertEquals(List.of("call.offered c1", "sales v1", "call.answered c1", "support v3"), drain(inbox));
        assertEquals(0, inbox.weight());

        // Once taken, a key starts afresh.
        assertEquals(Offer.QUEUED, inbox.offer("support v4", "support", 900));
        assertEquals(List.of("support v4"), drain(inbox));
    }

    @Test
    void aSnapshotOfferedAfterTheWaitingOneWasTakenIsNotCoalesced() throws Exception {
        FanoutInbox<String> inbox = new FanoutInbox<>(100, 10_000);
        inbox.offer("kpi 1", "kpi", 10);
        assertEquals("kpi 1", inbox.take().item());
        assertEquals(Offer.QUEUED, inbox.offer("kpi 2", "kpi", 10));
        assertEquals(Offer.QUEUED, inbox.offer("presence 201", "PJSIP/201", 10));
        assertEquals(Offer.QUEUED, inbox.offer("presence 202", "PJSIP/202", 10));
        assertEquals(List.of("kpi 2", "presence 201", "presence 202"), drain(inbox));
    }

    @Test
    void theWeightBudgetRefusesWhatWouldPassIt() throws Exception {
        FanoutInbox<String> inbox = new FanoutInbox<>(1_000, 1_000);
        assertEquals(Offer.QUEUED, inbox.offer("a", null, 400));
        assertEquals(Offer.QUEUED, inbox.offer("b", null, 400));
        assertEquals(Offer.DROPPED, inbox.offer("c", null, 201), "800 + 201 > 1,000");
        assertEquals(Offer.QUEUED, inbox.offer("d", null, 200), "800 + 200 = 1,000: fits");
        assertEquals(Offer.DROPPED, inbox.offer("e", null, 1));
        assertEquals(1_000, inbox.weight());
        assertEquals("a", inbox.take().item());
        assertEquals(Offer.QUEUED, inbox.offer("f", null, 400), "room again once one is taken");
        assertEquals(List.of("b", "d", "f"), drain(inbox));
        assertEquals(Offer.DROPPED, inbox.offer("huge", null, 1_001), "an item heavier than the budget never fits");
    }

    @Test
    void theCountBoundRefusesToo() throws Exception {
        FanoutInbox<Integer> inbox = new FanoutInbox<>(3, Long.MAX_VALUE);
        for (int i = 0; i < 3; i++) {
            assertEquals(Offer.QUEUED, inbox.offer(i, null, 1));
        }
        assertEquals(Offer.DROPPED, inbox.offer(3, null, 1));
        assertEquals(Offer.DROPPED, inbox.offer(4, "a snapshot", 1), "a snapshot with nothing to supersede");
        assertEquals(3, inbox.size());
    }

    @Test
    void replacingASnapshotNeedsOnlyTheDifference() throws Exception {
        FanoutInbox<String> inbox = new FanoutInbox<>(2, 1_000);
        inbox.offer("support v1", "support", 600);
        inbox.offer("call", null, 300);
        // Full by count (2 of 2), and 600 + 300 + 650 > 1,000; but v2 replaces v1: 300 + 650 fits.
        assertEquals(Offer.COALESCED, inbox.offer("support v2", "support", 650));
        assertEquals(950, inbox.weight());
        // v3 does not fit even in v2's place: refused, and v2 goes too (it was superseded; the fan-out resyncs
        // every desktop after a drop, which gives them the queue as it is then).
        assertEquals(Offer.DROPPED, inbox.offer("support v3", "support", 701));
        assertEquals(300, inbox.weight());
        assertEquals(List.of("call"), drain(inbox));
    }

    @Test
    void aManySnapshotStormHoldsOnePerKey() throws Exception {
        FanoutInbox<String> inbox = new FanoutInbox<>(65_536, 1 << 20);
        int coalesced = 0;
        for (int i = 0; i < 100_000; i++) {
            if (inbox.offer("queue-" + (i % 3) + " v" + i, "queue-" + (i % 3), 7_000) == Offer.COALESCED) {
                coalesced++;
            }
        }
        assertEquals(100_000 - 3, coalesced);
        assertEquals(3, inbox.size());
        assertEquals(21_000, inbox.weight());
        assertEquals(List.of("queue-0 v99999", "queue-1 v99997", "queue-2 v99998").stream().sorted().toList(),
                drain(inbox).stream().sorted().toList());
    }

    @Test
    void offersNeverWaitForTheTakerAndTakeWaitsForAnOffer() throws Exception {
        FanoutInbox<Integer> inbox = new FanoutInbox<>(10, 1_000);
        // Nobody takes: the offers beyond the bounds are refused at once rather than waiting for room.
        CompletableFuture<Integer> refused = CompletableFuture.supplyAsync(() -> {
            int n = 0;
            for (int i = 0; i < 100_000; i++) {
                if (inbox.offer(i, null, 10) == Offer.DROPPED) {
                    n++;
                }
            }
            return n;
        });
        assertEquals(100_000 - 10, refused.get(30, TimeUnit.SECONDS));
        drain(inbox);

        CompletableFuture<Integer> taken = CompletableFuture.supplyAsync(() -> {
            try {
                return inbox.take().item();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(100);
        assertTrue(!taken.isDone(), "take waits while the inbox is empty");
        inbox.offer(42, null, 1);
        assertEquals(42, taken.get(30, TimeUnit.SECONDS));
    }

    @Test
    void boundsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new FanoutInbox<>(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new FanoutInbox<>(1, 0));
    }

    private static <T> List<T> drain(FanoutInbox<T> inbox) throws InterruptedException {
        List<T> out = new ArrayList<>();
        while (!inbox.isEmpty()) {
            out.add(inbox.take().item());
        }
        return out;
    }
}
