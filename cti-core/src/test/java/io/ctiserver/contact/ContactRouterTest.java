package io.ctiserver.contact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.contact.ContactEvent.Withdrawn.Reason;
import io.ctiserver.events.CallResult;
import io.ctiserver.events.EndedBy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContactRouterTest {

    private static final Instant T0 = Instant.parse("2026-12-03T09:00:00Z");

    private final ContactRouter router = new ContactRouter(CapacityConfig.defaultConfig(),
            List.of(new QueueSettings("support", 20, null), new QueueSettings("sales", 10, QueueSettings.Order.LINEAR)));

    private static Instant at(int s) {
        return T0.plusSeconds(s);
    }

    private static Contact chat(String id, String queue) {
        return new Contact(id, Medium.CHAT, ContactCustomer.of("Ann", "ann@example.com", null), queue, "billing",
                Map.of("topic", "billing"), 0, T0);
    }

    private static Contact email(String id, String queue) {
        return new Contact(id, Medium.EMAIL, ContactCustomer.of("Bob", "bob@example.com", null), queue, "Invoice",
                Map.of(), 0, T0);
    }

    private static String offeredTo(List<ContactEvent> events, String id) {
        for (ContactEvent e : events) {
            if (e instanceof ContactEvent.Offered o && o.contact().id().equals(id)) {
                return o.contact().agent();
            }
        }
        return null;
    }

    private static <T> List<T> of(List<ContactEvent> events, Class<T> type) {
        List<T> out = new ArrayList<>();
        events.stream().filter(type::isInstance).map(type::cast).forEach(out::add);
        return out;
    }

    @Test
    void offersToTheAgentWithTheMostFreeCapacityThenLongestIdle() {
        router.agentReady("ann", null, List.of("support"), at(0));
        router.agentReady("bob", null, List.of("support"), at(1));
        // Both have 3 free chat slots: ann has been idle longer.
        assertEquals("ann", offeredTo(router.enqueue(chat("c1", "support"), at(2)), "c1"));
        // ann now has 2 free, bob 3: bob.
        assertEquals("bob", offeredTo(router.enqueue(chat("c2", "support"), at(3)), "c2"));
        router.accept("c1", "ann", at(4));
        router.accept("c2", "bob", at(4));
        router.close("c2", "bob", EndedBy.AGENT, "solved", Map.of(), at(5));
        // bob back to 3 free, ann 2: bob even though ann was idle longer.
        assertEquals("bob", offeredTo(router.enqueue(chat("c3", "support"), at(6)), "c3"));
    }

    @Test
    void linearOrderBreaksTiesByMembershipOrder() {
        router.agentReady("zed", null, List.of("sales"), at(0));
        router.agentReady("amy", null, List.of("sales"), at(5));
        router.voiceBusy("zed", true, at(6));
        router.voiceBusy("zed", false, at(7)); // zed's load changed last: LONGEST_IDLE would pick amy
        assertEquals("zed", offeredTo(router.enqueue(email("e1", "sales"), at(8)), "e1"));
    }

    @Test
    void onlyMembersThatAreReadyAreOffered() {
        router.agentReady("ann", null, List.of("sales"), at(0));
        router.agentReady("bob", null, List.of("support"), at(0));
        router.agentAway("bob", at(1));
        List<ContactEvent> ev = router.enqueue(chat("c1", "support"), at(2));
        assertNull(offeredTo(ev, "c1"));
        assertEquals(1, router.waiting("support"));
        assertEquals("bob", offeredTo(router.agentReady("bob", null, List.of("support"), at(3)), "c1"));
        assertEquals(0, router.waiting("support"));
    }

    @Test
    void capacityPerMediumIsNeverExceeded() {
        router.agentReady("ann", null, List.of("support"), at(0));
        for (int i = 0; i < 5; i++) {
            router.enqueue(chat("c" + i, "support"), at(1));
        }
        AgentLoad l = router.load("ann").orElseThrow();
        assertEquals(3, l.load().chat());
        assertEquals(0, l.free(Medium.CHAT));
        assertEquals(2, router.waiting("support"));
        // Email has its own capacity: still offered.
        assertEquals("ann", offeredTo(router.enqueue(email("e1", "support"), at(2)), "e1"));
    }

    @Test
    void voiceBlocksNewChatsAndFullChatsPauseVoice() {
        router.agentReady("ann", null, List.of("support"), at(0));
        router.voiceBusy("ann", true, at(1));
        List<ContactEvent> ev = router.enqueue(chat("c1", "support"), at(2));
        assertNull(offeredTo(ev, "c1"), "on a call: no chat offered");
        assertEquals("ann", offeredTo(router.enqueue(email("e1", "support"), at(2)), "e1"), "email is not blocked");
        // The call ends: the waiting chat is offered at once.
        assertEquals("ann", offeredTo(router.voiceBusy("ann", false, at(3)), "c1"));
        router.enqueue(chat("c2", "support"), at(4));
        List<ContactEvent> third = router.enqueue(chat("c3", "support"), at(5));
        List<ContactEvent.VoicePause> pauses = of(third, ContactEvent.VoicePause.class);
        assertEquals(1, pauses.size());
        assertTrue(pauses.get(0).paused());
        assertEquals("busy:chat", pauses.get(0).reason());
        assertTrue(router.load("ann").orElseThrow().voiceBlocked());
        assertFalse(CapacityConfig.defaultConfig().canTake(Medium.VOICE, Capacity.DEFAULT,
                router.load("ann").orElseThrow().load()), "an agent on 3 chats is not offered a call");
        router.accept("c1", "ann", at(6));
        List<ContactEvent> closed = router.close("c1", "ann", EndedBy.AGENT, "done", Map.of(), at(7));
        List<ContactEvent.VoicePause> unpause = of(closed, ContactEvent.VoicePause.class);
        assertEquals(1, unpause.size());
        assertFalse(unpause.get(0).paused());
    }

    @Test
    void declinedOrTimedOutOfferGoesToTheNextAgent() {
        router.agentReady("ann", null, List.of("support"), at(0));
        router.agentReady("bob", null, List.of("support"), at(1));
        assertEquals("ann", offeredTo(router.enqueue(chat("c1", "support"), at(2)), "c1"));
        List<ContactEvent> declined = router.decline("c1", "ann", at(3));
        assertEquals(Reason.DECLINED, of(declined, ContactEvent.Withdrawn.class).get(0).reason());
        assertEquals("bob", offeredTo(declined, "c1"));
        assertEquals(0, router.load("ann").orElseThrow().load().chat(), "the decline freed ann's capacity");
        // bob lets it ring past the queue's 20 s: not yet at 22 s, back to ann (tried again after a timeout) at 23 s.
        assertTrue(router.tick(at(22)).isEmpty());
        List<ContactEvent> timeout = router.tick(at(23));
        assertEquals(Reason.TIMEOUT, of(timeout, ContactEvent.Withdrawn.class).get(0).reason());
        assertEquals("ann", offeredTo(timeout, "c1"));
    }

    @Test
    void anAgentWhoDeclinedIsNotOfferedTheSameContactAgainAtOnce() {
        router.agentReady("ann", null, List.of("support"), at(0));
        router.enqueue(chat("c1", "support"), at(1));
        List<ContactEvent> ev = router.decline("c1", "ann", at(2));
        assertNull(offeredTo(ev, "c1"));
        assertNull(offeredTo(router.tick(at(21)), "c1"));
        assertEquals("ann", offeredTo(router.tick(at(22)), "c1"));
    }

    @Test
    void onlyTheOwnerAcceptsRepliesAndCloses() {
        router.agentReady("ann", null, List.of("support"), at(0));
        router.enqueue(chat("c1", "support"), at(1));
        ContactException e = assertThrows(ContactException.class, () -> router.accept("c1", "bob", at(2)));
        assertEquals(ContactException.Reason.NOT_YOURS, e.reason());
        assertEquals(ContactException.Reason.WRONG_STATE,
                assertThrows(ContactException.class, () -> router.replied("c1", "ann", at(2))).reason());
        assertEquals(ContactException.Reason.NOT_FOUND,
                assertThrows(ContactException.class, () -> router.accept("nope", "ann", at(2))).reason());
    }

    @Test
    void recordHasTheCallRecordTimingWithTheFirstReplyAsAnswer() {
        router.agentReady("ann", null, List.of("support"), at(0));
        router.enqueue(chat("c1", "support"), at(10));
        router.accept("c1", "ann", at(14));
        assertEquals(1, of(router.replied("c1", "ann", at(25)), ContactEvent.Answered.class).size());
        assertTrue(router.replied("c1", "ann", at(30)).isEmpty(), "only the first reply answers");
        List<ContactEvent> ev = router.close("c1", "ann", EndedBy.AGENT, "solved", Map.of("note", "x"), at(100));
        ContactRecord r = of(ev, ContactEvent.Closed.class).get(0).record();
        assertEquals(Medium.CHAT, r.medium());
        assertEquals(CallResult.ANSWERED, r.result());
        assertEquals(15, r.waitSeconds());
        assertEquals(86, r.handleSeconds());
        assertEquals("ann", r.agent());
        assertEquals(EndedBy.AGENT, r.endedBy());
        assertEquals("solved", r.disposition());
        assertEquals("billing", r.data().get("topic"));
        assertEquals("x", r.data().get("note"));
        assertEquals(0, router.load("ann").orElseThrow().load().chat());
    }

    @Test
    void customerLeavingWhileOfferedIsAnAbandon() {
        router.agentReady("ann", null, List.of("support"), at(0));
        router.enqueue(chat("c1", "support"), at(0));
        List<ContactEvent> ev = router.close("c1", null, EndedBy.CALLER, null, null, at(40));
        ContactRecord r = of(ev, ContactEvent.Closed.class).get(0).record();
        assertEquals(CallResult.ABANDONED, r.result());
        assertEquals(40, r.waitSeconds());
        assertNull(r.agent());
        assertEquals(0, router.load("ann").orElseThrow().load().chat());
        assertTrue(router.tick(at(100)).stream().noneMatch(e -> e instanceof ContactEvent.Offered));
    }

    @Test
    void transferToAgentAndToQueue() {
        router.agentReady("ann", null, List.of("support"), at(0));
        router.agentReady("bob", null, List.of("sales"), at(0));
        router.enqueue(chat("c1", "support"), at(1));
        router.accept("c1", "ann", at(2));
        List<ContactEvent> ev = router.transferToAgent("c1", "ann", "bob", at(3));
        assertEquals("bob", offeredTo(ev, "c1"));
        assertEquals(Reason.TRANSFERRED, of(ev, ContactEvent.Withdrawn.class).get(0).reason());
        router.accept("c1", "bob", at(4));
        List<ContactEvent> back = router.transferToQueue("c1", "bob", "support", at(5));
        assertEquals("ann", offeredTo(back, "c1"));
        assertEquals("support", router.contact("c1").orElseThrow().contact().queue());
        assertThrows(ContactException.class, () -> router.transferToAgent("c1", "ann", "nobody", at(6)));
    }

    @Test
    void priorityThenAgeWithinAQueue() {
        router.enqueue(chat("old", "support"), at(0));
        router.enqueue(new Contact("vip", Medium.CHAT, null, "support", null, Map.of(), 5, T0), at(1));
        router.enqueue(chat("new", "support"), at(2));
        CapacityConfig one = new CapacityConfig(new Capacity(1, 1, 1), null, null, null);
        ContactRouter r = new ContactRouter(one, List.of());
        r.enqueue(chat("old", "support"), at(0));
        r.enqueue(new Contact("vip", Medium.CHAT, null, "support", null, Map.of(), 5, T0), at(1));
        r.enqueue(chat("new", "support"), at(2));
        assertEquals("ann", offeredTo(r.agentReady("ann", null, List.of("support"), at(3)), "vip"));
        r.accept("vip", "ann", at(3));
        assertEquals("ann", offeredTo(r.close("vip", "ann", EndedBy.AGENT, null, null, at(4)), "old"));
    }

    @Test
    void capacityFromAgentThenTeamThenDefault() {
        CapacityConfig c = new CapacityConfig(new Capacity(1, 2, 3), Map.of("email-team", new Capacity(0, 0, 10)),
                Map.of("ann", new Capacity(1, 5, 0)), 2);
        assertEquals(new Capacity(1, 5, 0), c.forAgent("ann", "email-team"));
        assertEquals(new Capacity(0, 0, 10), c.forAgent("bob", "email-team"));
        assertEquals(new Capacity(1, 2, 3), c.forAgent("cid", null));
        assertFalse(c.canTake(Medium.VOICE, new Capacity(1, 5, 0), new Capacity(0, 2, 0)), "blocked at 2 chats");
        assertTrue(c.canTake(Medium.VOICE, new Capacity(1, 5, 0), new Capacity(0, 1, 0)));
    }

    @Test
    void sameInputsGiveTheSameEvents() {
        assertEquals(script(new ContactRouter(CapacityConfig.defaultConfig(), List.of())).toString(),
                script(new ContactRouter(CapacityConfig.defaultConfig(), List.of())).toString());
    }

    private static List<ContactEvent> script(ContactRouter r) {
        List<ContactEvent> all = new ArrayList<>();
        for (int a = 0; a < 20; a++) {
            all.addAll(r.agentReady("agent" + a, null, List.of("support"), at(a % 3)));
        }
        for (int i = 0; i < 100; i++) {
            all.addAll(r.enqueue(chat("c" + i, "support"), at(10 + i)));
            all.addAll(r.tick(at(10 + i)));
        }
        return all;
    }
}
