package io.ctiserver.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.events.CallDirection;
import io.ctiserver.events.CallEnded;
import io.ctiserver.events.CallRecord;
import io.ctiserver.events.CallResult;
import io.ctiserver.events.EndedBy;
import io.ctiserver.server.gateway.events.EndedCall;
import io.ctiserver.server.gateway.events.EventFanout;
import io.ctiserver.server.gateway.session.SessionRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fan-out remembers the last 10,000 ended calls for dispositions after the call: their PBX and agent, found by call
 * id, however many calls pass (the soak runs 72,000 calls an hour through it).
 */
class RecentlyEndedTest {

    @Test
    void keepsThePbxAndAgentOfTheLast10000EndedCalls() throws Exception {
        GatewayConfig config = GatewayConfig.defaults().withUsers(Fixture.users());
        try (EventFanout fanout = new EventFanout(new SessionRegistry(config), new FakeStateView(),
                CustomerLookup.FROM_CALL_DATA, "", Clock.systemUTC(), 65_536)) {
            fanout.start();
            int calls = 30_000;
            for (int i = 0; i < calls; i++) {
                fanout.onEvent(new CallEnded("pbx1", Instant.EPOCH, record("call-" + i, "PJSIP/" + (1000 + i % 200))));
                if (i % 10_000 == 9_999) {
                    awaitDispatched(fanout, i + 1);
                }
            }
            awaitDispatched(fanout, calls);
            assertEquals(0, fanout.dropped());
            assertEquals(new EndedCall("call-29999", "pbx1", "PJSIP/1199"), fanout.recentlyEnded("call-29999"));
            assertEquals(new EndedCall("call-20000", "pbx1", "PJSIP/1000"), fanout.recentlyEnded("call-20000"));
            assertNull(fanout.recentlyEnded("call-19999"), "the 10,001st call back is forgotten");
            assertNull(fanout.recentlyEnded("call-0"));
        }
    }

    private static void awaitDispatched(EventFanout fanout, long n) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (fanout.dispatched() < n) {
            assertTrue(System.nanoTime() < deadline, "dispatched " + fanout.dispatched() + " of " + n);
            Thread.sleep(10);
        }
    }

    private static CallRecord record(String callId, String agent) {
        return new CallRecord(callId, "pbx1", callId, CallDirection.INBOUND, "5551001", "Caller", "6000", "support",
                "Agent", agent, CallResult.ANSWERED, 3, 60, EndedBy.CALLER, List.of(), Instant.EPOCH, Instant.EPOCH,
                Instant.EPOCH, Map.of());
    }
}
