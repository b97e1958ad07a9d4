package io.ctiserver.server.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.ami.AmiLinkState;
import io.ctiserver.events.CallEnded;
import io.ctiserver.events.CallRecord;
import io.ctiserver.events.CallView;
import io.ctiserver.events.EndedBy;
import io.ctiserver.events.PbxLinkChanged;
import io.ctiserver.events.StateReconciled;
import io.ctiserver.server.sim.InboundCall;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What the tracked state does when the AMI link fails, through the whole server: after a reconnect the tracker
 * resyncs from Asterisk's snapshot, so live calls are kept and calls that vanished end; no ghost call remains.
 */
class PbxFaultsEndToEndTest {

    @Test
    void callsSurviveADroppedLinkUnderTheSameIds() throws Exception {
        try (CtiServer server = DemoServers.start(DemoServers.config())) {
            List<Object> events = record(server);
            placeLongCalls(server, 2);
            awaitTrue(() -> connected(server) == 2, "two calls connected");
            Set<String> before = callIds(server);
            events.clear();

            server.simulator().dropAmiConnections();

            awaitTrue(() -> events.stream().anyMatch(e -> e instanceof StateReconciled), "a resync after reconnect");
            assertEquals(before, callIds(server), "the live calls are still tracked, under the same ids");
            assertTrue(events.stream().noneMatch(e -> e instanceof CallEnded), "no call ended by the drop: " + events);
            assertTrue(events.stream().anyMatch(e -> e instanceof PbxLinkChanged l
                    && l.state() == AmiLinkState.DISCONNECTED), "desktops were told the link went down");
        }
    }

    @Test
    void aRestartedPbxLeavesNoGhostCalls() throws Exception {
        try (CtiServer server = DemoServers.start(DemoServers.config())) {
            List<Object> events = record(server);
            placeLongCalls(server, 2);
            awaitTrue(() -> connected(server) == 2, "two calls connected");
            Set<String> before = callIds(server);
            events.clear();

            server.simulator().restart();

            awaitTrue(() -> server.state().calls().isEmpty(), "no ghost call after the restart");
            List<CallRecord> lost = events.stream().filter(e -> e instanceof CallEnded)
                    .map(e -> ((CallEnded) e).record()).toList();
            assertEquals(before, lost.stream().map(CallRecord::callId).collect(Collectors.toSet()),
                    "each call that vanished ended once");
            for (CallRecord r : lost) {
                assertEquals(EndedBy.SYSTEM, r.endedBy(), r.toString());
                assertEquals("lost during PBX disconnect", r.data().get("cti.endReason"), r.toString());
            }
        }
    }

    private static List<Object> record(CtiServer server) {
        List<Object> events = new CopyOnWriteArrayList<>();
        server.tracker(CtiServer.DEMO_PBX).addListener(events::add);
        return events;
    }

    /** Inbound calls that talk for ten minutes, so they are up during the fault. */
    private static void placeLongCalls(CtiServer server, int n) {
        for (int i = 0; i < n; i++) {
            server.simulator().placeInboundCall(InboundCall.of("555100" + (i + 2), "5000").talk(600, true));
        }
    }

    private static long connected(CtiServer server) {
        return server.state().calls().stream().filter(c -> c.answeredAt() != null).count();
    }

    private static Set<String> callIds(CtiServer server) {
        return server.state().calls().stream().map(CallView::callId).collect(Collectors.toSet());
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }
}
