package io.ctiserver.server.gateway.bench;

import io.ctiserver.events.AgentState;
import io.ctiserver.events.AgentStateChanged;
import io.ctiserver.events.AgentView;
import io.ctiserver.events.CtiStateView;
import io.ctiserver.server.bench.BenchCommand;
import io.ctiserver.server.bench.Pacing;
import io.ctiserver.server.cli.CliArgs;
import io.ctiserver.server.gateway.Gateway;
import io.ctiserver.server.gateway.GatewayConfig;
import io.ctiserver.server.gateway.auth.PasswordHash;
import io.ctiserver.server.gateway.auth.UserConfig;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench ws}: N desktops on the gateway, a steady event load, and the latency from an event entering the gateway
 * (the tracker's {@code onEvent}, timestamped with {@code System.nanoTime()} in the event) to the frame decoded at the
 * desktop; plus the heap each connection costs. The desktops run in a child JVM (see {@link WsBenchClient}).
 *
 * <p>Baseline, in the same run: the same event rate to a single desktop. Each event is an {@code agent.state} for one
 * random connected agent, so each desktop gets rate/N events per second, as agents do.
 */
public final class WsBenchmark implements BenchCommand.Benchmark {

    @Override
    public String summary() {
        return "desktop gateway: N WebSockets under event load; event-to-frame latency, heap per connection";
    }

    @Override
    public int run(List<String> args) throws Exception {
        CliArgs a = CliArgs.parse(args, Set.of("desktops", "rate", "seconds", "warmup", "client-heap"), Set.of());
        int desktops = a.getInt("desktops", 1000);
        int rate = a.getInt("rate", 2000);
        int seconds = a.getInt("seconds", 20);
        int warmup = a.getInt("warmup", 5);
        String clientHeap = a.get("client-heap", "1g");

        String hash = PasswordHash.hash("bench".toCharArray(), 1); // never used to log in: tokens are issued directly
        List<UserConfig> users = new ArrayList<>();
        for (int i = 0; i < desktops; i++) {
            users.add(UserConfig.agent("a" + i, hash, iface(i), "Agent " + i));
        }
        // A deep outbound queue: the one-desktop baseline takes the whole rate, and a desktop JVM starved of CPU for a
        // moment must show up as latency here, not as a desktop closed for not reading.
        GatewayConfig config = new GatewayConfig("127.0.0.1", 0, null, null, users, 0, null, 0, 16_384, 0, 0, 0, 0,
                0, 0, 0, "pbx1", null);
        System.out.printf("bench ws: %d desktops, %d events/s, %d s measured after %d s warm-up, max heap %d MiB%n",
                desktops, rate, seconds, warmup, Runtime.getRuntime().maxMemory() >> 20);
        try (Gateway gw = Gateway.builder().config(config).stateView(CtiStateView.EMPTY).build().start()) {
            Phase base = phase(gw, 1, 0, rate, seconds, warmup, clientHeap);
            Phase full = phase(gw, desktops, 0, rate, seconds, warmup, clientHeap);
            System.out.println();
            System.out.printf("%-22s %9s %9s %9s %9s %9s %12s%n", "", "samples", "p50 us", "p99 us", "p99.9 us",
                    "max us", "heap/conn");
            print("baseline (1 desktop)", base, null);
            print(desktops + " desktops", full, base);
            System.out.printf("%nheap: %d MiB used after GC with %d desktops connected (%d MiB before), "
                            + "%d MiB after the load (resume buffers filled); events dropped: %d%n",
                    full.heapConnected >> 20, desktops, full.heapBefore >> 20, full.heapAfterLoad >> 20,
                    gw.fanout().dropped());
            if (desktops <= 1000) {
                System.out.printf("target p99 <= 2000 us with %d desktops: %s (p99 %d us)%n", desktops,
                        full.p99 <= 2000 ? "met" : "NOT met", full.p99);
            }
            long maxHeap = Runtime.getRuntime().maxMemory();
            System.out.printf("target %d desktops within a 512 MiB heap: %s (max heap %d MiB, used %d MiB)%n",
                    desktops, maxHeap <= (512L << 20) && full.connected == desktops ? "met" : "not shown (run with "
                            + "-Xmx512m)", maxHeap >> 20, Math.max(full.heapConnected, full.heapAfterLoad) >> 20);
            return 0;
        }
    }

    private record Phase(long samples, long p50, long p99, long p999, long max, long heapBefore, long heapConnected,
                         long heapAfterLoad, int connected, int closed) {
        long heapPerConnection() {
            return connected == 0 ? 0 : Math.max(0, heapConnected - heapBefore) / connected;
        }
    }

    private static void print(String name, Phase p, Phase base) {
        System.out.printf("%-22s %9d %9d %9d %9d %9d %12s%n", name, p.samples, p.p50, p.p99, p.p999, p.max,
                p.connected > 1 ? p.heapPerConnection() + " B" : "-");
        if (p.closed > 0) {
            System.out.printf("%-22s %d desktop(s) closed by the gateway as not reading (machine overloaded?)%n", "",
                    p.closed);
        }
        if (base != null && base.p50 > 0 && base.p99 > 0) {
            System.out.printf("%-22s %9s %8.2fx %8.2fx %8.2fx%n", "  ratio to baseline", "",
                    (double) p.p50 / base.p50, (double) p.p99 / base.p99, (double) p.p999 / Math.max(1, base.p999));
        }
    }

    /** Connects {@code n} desktops (agents {@code first..first+n-1}), loads, measures, disconnects. */
    private static Phase phase(Gateway gw, int n, int first, int rate, int seconds, int warmup, String clientHeap)
            throws Exception {
        Path tokens = Files.createTempFile("bench-ws-tokens", ".txt");
        List<String> lines = new ArrayList<>(n);
        for (int i = first; i < first + n; i++) {
            lines.add(gw.issueToken("a" + i).token());
        }
        Files.write(tokens, lines);
        long before = usedAfterGc();
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        // A fixed-size heap: a heap shrunk by the GCs around each phase means a young collection every second or so,
        // and on a busy 2-core machine each one can stall for tens of milliseconds.
        Process child = new ProcessBuilder(java, "-Xms" + clientHeap, "-Xmx" + clientHeap, "-XX:+UseParallelGC", "-cp",
                System.getProperty("java.class.path"), WsBenchClient.class.getName(),
                Integer.toString(gw.port()), tokens.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8));
             PrintWriter in = new PrintWriter(child.getOutputStream(), true, StandardCharsets.UTF_8)) {
            String line = expect(out, "CONNECTED ");
            if (line == null) {
                throw new IllegalStateException("bench client did not connect: " + line);
            }
            int connected = Integer.parseInt(line.substring("CONNECTED ".length()).trim());
            long afterConnect = usedAfterGc();
            System.out.printf("phase %d desktops: %d connected, heap %d -> %d MiB%n", n, connected, before >> 20,
                    afterConnect >> 20);
            load(gw, first, n, rate, warmup);
            in.println("RESET");
            load(gw, first, n, rate, seconds);
            Thread.sleep(200); // let the last frames arrive before asking for the report
            in.println("REPORT");
            String result = expect(out, "RESULT ");
            if (result == null) {
                throw new IllegalStateException("bench client gave no result");
            }
            String[] r = result.split(" ");
            long afterLoad = usedAfterGc();
            in.println("QUIT");
            child.waitFor(30, TimeUnit.SECONDS);
            return new Phase(Long.parseLong(r[1]), Long.parseLong(r[2]), Long.parseLong(r[3]), Long.parseLong(r[4]),
                    Long.parseLong(r[5]), before, afterConnect, afterLoad, connected, Integer.parseInt(r[7]));
        } finally {
            child.destroy();
            Files.deleteIfExists(tokens);
        }
    }

    /** The next line of the child's stdout that starts with {@code prefix} (anything else is passed through). */
    static String expect(BufferedReader out, String prefix) throws java.io.IOException {
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(prefix)) {
                return line;
            }
            System.out.println("  client: " + line);
        }
        return null;
    }

    /** Plays the tracker: {@code rate} agent-state events per second for random agents, paced, for {@code seconds}. */
    private static void load(Gateway gw, int first, int n, int rate, int seconds) {
        SplittableRandom rnd = new SplittableRandom(42);
        Instant since = Instant.now();
        Pacing.paced(rate, seconds, () -> {
            int i = first + rnd.nextInt(n);
            AgentView agent = new AgentView("pbx1", iface(i), "Agent " + i, AgentState.PAUSED,
                    "bench-" + System.nanoTime(), List.of(), null, since);
            gw.onEvent(new AgentStateChanged("pbx1", since, agent, AgentState.AVAILABLE));
        });
    }

    private static String iface(int i) {
        return "PJSIP/agent" + i;
    }

    private static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

}
