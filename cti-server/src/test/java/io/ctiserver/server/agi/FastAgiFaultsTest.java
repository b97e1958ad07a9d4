package io.ctiserver.server.agi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.server.agi.bench.AgiLoadClient;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * FastAGI under its faults at once: clients that send half an environment and stall, sessions whose reply never
 * comes, 2,000 connections opened together. Each is bounded by its documented timeout ({@code envTimeoutMillis},
 * {@code commandTimeoutMillis}), and a normal call is routed meanwhile within the routing deadline.
 */
class FastAgiFaultsTest {

    static final long ENV_TIMEOUT = 2_000;
    static final long COMMAND_TIMEOUT = 1_000;
    private final FastAgiServerTest h = new FastAgiServerTest();

    @AfterEach
    void stop() {
        h.stop();
    }

    private long worstOfNormalCalls(String env, int n) throws Exception {
        long worst = 0;
        for (int i = 0; i < n; i++) {
            try (FakeAsterisk a = h.asterisk()) {
                FakeAsterisk.Dialog d = a.run(env);
                assertTrue(d.variables().containsKey("CTI_QUEUE"), "routed: " + d.variables());
                worst = Math.max(worst, d.millis());
            }
        }
        return worst;
    }

    @Test
    void eachFaultIsBoundedAndRoutingGoesOn() throws Exception {
        h.start(h.directory(), FastAgiServerTest.config(300, null), new AgiConfig(null, null, null, null, null,
                ENV_TIMEOUT, COMMAND_TIMEOUT, null, null, null, null, null, null));
        String full = FastAgiServerTest.env("agi_env_pjsip_channel_sipp_call.txt");
        ExecutorService pool = Executors.newFixedThreadPool(40);
        long warm = worstOfNormalCalls(full, 3); // the first dialog of the JVM loads and compiles the route path
        try {
            // 100 clients send half an environment block and stall.
            List<Socket> halves = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < 100; i++) {
                Socket s = new Socket(InetAddress.getLoopbackAddress(), h.port);
                s.getOutputStream().write(full.substring(0, full.length() / 2).getBytes(StandardCharsets.UTF_8));
                s.getOutputStream().flush();
                halves.add(s);
            }
            // 40 sessions whose reply never comes.
            List<CompletableFuture<FakeAsterisk.Dialog>> silent = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                silent.add(CompletableFuture.supplyAsync(() -> {
                    try (FakeAsterisk a = h.asterisk()) {
                        a.override = c -> List.of();
                        return a.run(full);
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }, pool));
            }
            // With the stalled clients in place, a normal call is routed within the 300 ms deadline plus slack.
            long stalledWorst = worstOfNormalCalls(full, 10);
            assertTrue(stalledWorst < 1_000, "a normal call took " + stalledWorst + " ms beside stalled clients");

            // 2,000 connections at once, each a whole route dialog.
            CompletableFuture<AgiLoadClient.Result> storm = CompletableFuture.supplyAsync(() -> {
                try (AgiLoadClient client = new AgiLoadClient(1, 30_000)) {
                    return client.runSessions(new InetSocketAddress("127.0.0.1", h.port), 2000, 2000, 60_000,
                            n -> AgiLoadClient.envBlock("route", n, "5000", "5551009"),
                            (n, var) -> var.equals("CHANNEL(linkedid)") ? "L" + n : null);
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
            });

            // During the burst a normal call waits its turn on the 2 cores, but is never starved.
            long stormWorst = worstOfNormalCalls(full, 5);
            assertTrue(stormWorst < 10_000, "a normal call took " + stormWorst + " ms during the burst");

            for (CompletableFuture<FakeAsterisk.Dialog> f : silent) {
                FakeAsterisk.Dialog d = f.get(30, TimeUnit.SECONDS);
                assertTrue(d.closedByServer(), "a session without reply is closed");
                assertTrue(d.millis() < COMMAND_TIMEOUT + 3_000, "closed after " + d.millis() + " ms");
            }
            for (Socket s : halves) {
                s.setSoTimeout((int) (ENV_TIMEOUT + 3_000));
                try (InputStream in = s.getInputStream()) {
                    assertEquals(-1, in.read(), "a half environment gets no answer, only the close");
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("a half environment was not closed within the env timeout", e);
                }
            }
            long halfMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(halfMillis < ENV_TIMEOUT + 10_000, "half environments closed after " + halfMillis + " ms");

            AgiLoadClient.Result r = storm.get(90, TimeUnit.SECONDS);
            assertEquals(0, r.rejected(), "no connection of the 2,000 refused");
            assertEquals(2000, r.completed(), "every one of the 2,000 routed");
            System.out.printf("FastAgiFaultsTest: normal call (warm-up %d ms) worst %d ms beside stalled clients, %d ms during the"
                    + " burst; 2,000 at once in %.2f s; p99 %d us%n", warm, stalledWorst, stormWorst, r.seconds(), r.latencyMicros().length == 0 ? -1
                            : r.latencyMicros()[(int) (r.latencyMicros().length * 0.99) - 1]);
        } finally {
            pool.shutdownNow();
        }
    }
}
