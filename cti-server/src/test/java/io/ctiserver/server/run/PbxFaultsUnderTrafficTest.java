package io.ctiserver.server.run;

import static io.ctiserver.server.run.AmiLinkCutsTest.assertMatches;
import static io.ctiserver.server.run.AmiLinkCutsTest.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctiserver.ami.AmiLinkState;
import io.ctiserver.events.CallEnded;
import io.ctiserver.events.CtiEvent;
import io.ctiserver.events.PbxLinkChanged;
import io.ctiserver.events.StateReconciled;
import io.ctiserver.server.config.ServerConfig;
import io.ctiserver.server.gateway.session.DesktopSession;
import io.ctiserver.server.sim.PbxSimulator;
import io.ctiserver.server.sim.SimConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * PBX and desktop faults with calls flowing, against the simulator's own state: Asterisk restarts, Asterisk stops
 * writing but keeps the socket, a desktop stops reading.
 */
class PbxFaultsUnderTrafficTest {

    static final int PING_INTERVAL_MS = 300;
    static final int PING_TIMEOUT_MS = 300;

    /** A simulator with traffic (no AGI step), and the server connected to it with short keepalive timeouts. */
    record Rig(PbxSimulator sim, CtiServer server, List<CtiEvent> events) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
            sim.close();
        }

        int count(Class<?> type) {
            return (int) events.stream().filter(type::isInstance).count();
        }
    }

    static Rig rig(double callsPerSecond, int simWriteTimeoutMs, Consumer<ObjectNode> more) throws Exception {
        ObjectNode root = DemoServers.withPassword(DemoServers.config(), "pw");
        SimConfig simConfig = SimConfig.from(ServerConfig.of(root)).withAmiPort(0).withAgi("127.0.0.1", 0, 300)
                .withTraffic(callsPerSecond, 7, 1.0).withCallMix(2.0, 6.0, 0, 0).withIvrQueues(Map.of("2", "sales"))
                .withWriteLimits(simWriteTimeoutMs, 8 << 20);
        PbxSimulator sim = PbxSimulator.start(simConfig);
        root.withObject("/sim").put("enabled", false);
        root.withObject("/pbx").putArray("servers").addObject().put("id", CtiServer.DEMO_PBX)
                .put("host", "127.0.0.1").put("port", sim.amiPort()).put("username", "cti").put("secret", "cti")
                .put("reconnectMinMs", 10).put("reconnectMaxMs", 200).put("loginTimeoutMs", 1000).put("authRetryMs", 200)
                .put("pingIntervalMs", PING_INTERVAL_MS).put("pingTimeoutMs", PING_TIMEOUT_MS);
        more.accept(root);
        CtiServer server;
        try {
            server = DemoServers.start(root);
        } catch (Exception | Error e) {
            sim.close();
            throw e;
        }
        List<CtiEvent> events = new CopyOnWriteArrayList<>();
        server.tracker(CtiServer.DEMO_PBX).addListener(events::add);
        return new Rig(sim, server, events);
    }

    @Test
    void asteriskRestartsMidTrafficAndTheStateIsRebuiltWithOneRecordPerCall() throws Exception {
        try (Rig r = rig(4.0, 5000, root -> { })) {
            awaitTrue(() -> r.sim().load().calls() > 3, Duration.ofSeconds(20), "traffic flowing");
            int resyncs = r.count(StateReconciled.class);
            r.sim().restart();
            awaitTrue(() -> r.count(StateReconciled.class) > resyncs, Duration.ofSeconds(10), "resync after restart");
            assertMatches(r.sim(), r.server().state(), "after the restart");
            assertOneRecordPerCall(r);
        }
    }

    @Test
    void aStalledWriterIsNoticedByTheKeepaliveAndTheStateRebuilt() throws Exception {
        try (Rig r = rig(4.0, 60_000, root -> { })) {
            awaitTrue(() -> r.sim().load().calls() > 3, Duration.ofSeconds(20), "traffic flowing");
            long t0 = System.nanoTime();
            r.sim().stallWrites(true);
            awaitTrue(() -> r.events().stream().anyMatch(e -> e instanceof PbxLinkChanged l
                    && l.state() == AmiLinkState.DISCONNECTED), Duration.ofSeconds(10), "the dead link noticed");
            long noticedMs = (System.nanoTime() - t0) / 1_000_000;
            // Silence is noticed after pingInterval, the Ping's answer awaited pingTimeout; plus scheduling slack.
            assertTrue(noticedMs <= PING_INTERVAL_MS + PING_TIMEOUT_MS + 1_000, "noticed after " + noticedMs + " ms");
            Thread.sleep(500);
            int resyncs = r.count(StateReconciled.class);
            r.sim().stallWrites(false);
            try {
                awaitTrue(() -> r.count(StateReconciled.class) > resyncs, Duration.ofSeconds(15),
                        "resync after resume");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + ": " + links(r));
            }
            assertMatches(r.sim(), r.server().state(), "after the stall");
            System.out.println("PbxFaultsUnderTrafficTest: stalled writer noticed after " + noticedMs + " ms");
            assertOneRecordPerCall(r);
        }
    }

    /**
     * A supervisor's desktop stops reading (a raw socket with a 4 KB receive buffer) while calls flow: the gateway
     * cuts it off with its reason, the 20 other desktops keep getting events, and the AMI link is never cut by the
     * simulator, which plays Asterisk with a {@code writetimeout} of 100 ms: the AMI read never lagged 100 ms.
     */
    @Test
    void aDesktopThatNeverReadsIsCutOffWhileTheOthersAndTheAmiLinkKeepGoing() throws Exception {
        try (Rig r = rig(10.0, 100, root -> root.withObject("/gateway").put("outboundQueueFrames", 128)
                .put("kpiIntervalMillis", 100));
             Socket stuck = new Socket()) {
            int port = r.server().gateway().port();
            List<DesktopClient> desktops = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                desktops.add(DesktopClient.login(port, i % 2 == 0 ? "supervisor" : "admin", "pw"));
            }
            stuck.setReceiveBufferSize(4096);
            stuck.connect(new InetSocketAddress("127.0.0.1", port));
            String token = r.server().gateway().issueToken("supervisor").token();
            OutputStream out = stuck.getOutputStream();
            out.write(("GET /ws?token=" + token + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                    + Base64.getEncoder().encodeToString("0123456789abcdef".getBytes()) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = stuck.getInputStream();
            in.read(new byte[12]); // the start of the 101; then never again

            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            DesktopSession stuckSession = null;
            while (System.nanoTime() < deadline) {
                desktops.forEach(DesktopClient::drain);
                stuckSession = r.server().gateway().sessions().all().stream()
                        .filter(s -> s.closeReason() != null).findFirst().orElse(null);
                if (stuckSession != null) {
                    break;
                }
                Thread.sleep(50);
            }
            assertNotNull(stuckSession, "the desktop that does not read was never cut off");
            assertTrue(stuckSession.closeReason().contains("not reading"), stuckSession.closeReason());
            // The others go on: in the next 2 s each gets kpi ticks and call events.
            desktops.forEach(DesktopClient::drain);
            Thread.sleep(2_000);
            for (int i = 0; i < desktops.size(); i++) {
                int got = desktops.get(i).drain().size();
                assertTrue(got >= 5, "desktop " + i + " got " + got + " frames in the 2 s after the cut");
            }
            assertEquals(1, r.server().gateway().sessions().all().stream().filter(s -> s.closeReason() != null)
                    .count(), "only the desktop that does not read was cut off");
            assertTrue(r.events().stream().noneMatch(e -> e instanceof PbxLinkChanged l
                    && l.state() == AmiLinkState.DISCONNECTED), "the AMI link was never cut (writetimeout 100 ms)");
            desktops.forEach(DesktopClient::close);
        }
    }

    private static List<String> links(Rig r) {
        return r.events().stream().filter(e -> e instanceof PbxLinkChanged).map(e -> ((PbxLinkChanged) e).state()
                + " " + ((PbxLinkChanged) e).detail()).toList();
    }

    private static void assertOneRecordPerCall(Rig r) throws Exception {
        r.sim().stopTraffic();
        assertTrue(r.sim().awaitIdle(Duration.ofSeconds(60)), "the PBX went idle");
        awaitTrue(() -> r.server().state().calls().isEmpty(), Duration.ofSeconds(10), "no call left tracked");
        Map<String, Integer> records = new ConcurrentHashMap<>();
        r.events().stream().filter(e -> e instanceof CallEnded).forEach(e -> records.merge(
                ((CallEnded) e).record().callId(), 1, Integer::sum));
        assertTrue(records.values().stream().allMatch(n -> n == 1), "records per call: " + records);
        assertTrue(!records.isEmpty());
    }
}
