package io.ctiserver.server.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.server.ami.codec.AmiDecodeError;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Fault injection: dropped connections, a restart, stalled writes, garbage, an oversized message, a slow client. */
class SimFaultsTest {

    private PbxSimulator sim;

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.stop();
        }
    }

    @Test
    void dropEveryConnectionThenLogInAgain() throws Exception {
        sim = PbxSimulator.start(SimTestConfigs.quiet(20));
        try (TestAmiClient a = TestAmiClient.loggedIn(sim.amiPort());
             TestAmiClient b = TestAmiClient.loggedIn(sim.amiPort())) {
            sim.dropAmiConnections();
            a.awaitClose();
            b.awaitClose();
        }
        try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
            assertEquals("Pong", c.action("Ping").get("Ping"));
        }
    }

    @Test
    void restartGivesAFreshFullyBootedAndForgetsTheCalls() throws Exception {
        sim = PbxSimulator.start(SimTestConfigs.quiet(50));
        try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
            sim.placeInboundCall(InboundCall.of("5551001", "5000").talk(600, true));
            c.event("AgentConnect");
            // let simulated time pass so that the uptime is visibly larger than after a restart
            long t0 = sim.now();
            while (sim.now() - t0 < 5_000) {
                Thread.sleep(5);
            }
        }
        long uptimeBefore;
        try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
            uptimeBefore = Long.parseLong(c.event("FullyBooted").get("Uptime"));
            assertTrue(uptimeBefore >= 5, "uptime " + uptimeBefore);
            sim.restart();
            c.awaitClose();
        }
        assertEquals(0, sim.channels().size(), "calls are gone");
        try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
            long uptimeAfter = Long.parseLong(c.event("FullyBooted").get("Uptime"));
            assertTrue(uptimeAfter < uptimeBefore, uptimeAfter + " < " + uptimeBefore);
            c.send("CoreShowChannels");
            var list = c.until("CoreShowChannelsComplete");
            assertEquals("0", list.get(list.size() - 1).get("ListItems"));
        }
    }

    @Test
    void stalledWritesAreHeldThenDelivered() throws Exception {
        sim = PbxSimulator.start(SimTestConfigs.quiet(20));
        try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
            c.action("Ping");
            sim.stallWrites(true);
            String caller = sim.placeInboundCall("5551001", "5000");
            String id = c.send("Ping");
            Object early = c.poll(300);
            assertEquals(null, early, "nothing is written while stalled");
            sim.stallWrites(false);
            AmiMessage first = c.event("Newchannel");
            assertEquals(caller, first.get("Channel"));
            c.next(m -> m.isResponse() && id.equals(m.actionId()));
        }
    }

    @Test
    void garbageAndAnOversizedMessageDoNotCostTheSession() throws Exception {
        sim = PbxSimulator.start(SimTestConfigs.quiet(20));
        try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
            c.action("Ping");
            sim.sendRaw("this is not an AMI header line\r\n\r\n");
            assertEquals(AmiDecodeError.Kind.LINE_WITHOUT_COLON, c.nextDecodeError().kind());
            sim.sendOversizedMessage(2 * 1024 * 1024);
            assertEquals(AmiDecodeError.Kind.MESSAGE_TOO_LARGE, c.nextDecodeError().kind());
            assertEquals("Ping", c.event("Ping").eventName());
            assertEquals("Pong", c.action("Ping").get("Ping"));
        }
    }

    @Test
    void aClientThatDoesNotReadIsDisconnectedAndTheOthersGoOn() throws Exception {
        sim = PbxSimulator.start(SimTestConfigs.quiet(50).withWriteLimits(200, 256 * 1024));
        try (Socket slow = new Socket()) {
            slow.setReceiveBufferSize(4096);
            slow.connect(new java.net.InetSocketAddress("127.0.0.1", sim.amiPort()));
            OutputStream out = slow.getOutputStream();
            out.write("Action: Login\r\nUsername: cti\r\nSecret: cti\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            try (TestAmiClient fast = TestAmiClient.loggedIn(sim.amiPort())) {
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                int calls = 0;
                while (sim.amiSessions() > 1 && System.nanoTime() < deadline) {
                    // the slow client never reads: its backlog grows until the simulator cuts it
                    sim.sendRaw("Event: Filler\r\nPrivilege: system,all\r\nData: " + "x".repeat(4000)
                            + "\r\n\r\n");
                    if (calls++ % 50 == 0) {
                        sim.placeInboundCall("5551001", "5000");
                    }
                    Thread.sleep(1); // about 4 MB/s: easy for a reading client, too much for one that never reads
                }
                assertEquals(1, sim.amiSessions(), "the slow session was disconnected");
                assertEquals("Pong", fast.action("Ping").get("Ping"));
            }
            InputStream in = slow.getInputStream();
            byte[] buf = new byte[65536];
            int n;
            long total = 0;
            while ((n = in.read(buf)) >= 0) {
                total += n;
            }
            assertTrue(total > 0, "it got some bytes before the cut, then end of stream");
        }
    }

    @Test
    void faultsCanBeInjectedOverAmiToo() throws Exception {
        long restartedAt;
        sim = PbxSimulator.start(SimTestConfigs.quiet(20));
        try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
            assertEquals("Error", c.action("SimFault", "Fault", "explode").response());
            assertEquals("Fault injected: garbage", c.action("SimFault", "Fault", "garbage").get("Message"));
            assertEquals(AmiDecodeError.Kind.LINE_WITHOUT_COLON, c.nextDecodeError().kind());
            restartedAt = System.nanoTime();
            assertEquals("Fault injected: restart", c.action("SimFault", "Fault", "restart").get("Message"));
            c.awaitClose();
        }
        try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
            // The uptime starts again at the restart: at most the whole seconds since (0 unless the machine is slow).
            long uptime = Long.parseLong(c.event("FullyBooted").get("Uptime"));
            long since = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - restartedAt);
            assertTrue(uptime <= since, "uptime " + uptime + " s, " + since + " s after the restart");
        }
    }
}
