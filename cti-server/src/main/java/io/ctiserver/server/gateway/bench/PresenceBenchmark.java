package io.ctiserver.server.gateway.bench;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.events.AgentState;
import io.ctiserver.events.AgentStateChanged;
import io.ctiserver.events.AgentView;
import io.ctiserver.events.CtiStateView;
import io.ctiserver.presence.PresenceTracker;
import io.ctiserver.server.bench.BenchCommand;
import io.ctiserver.server.bench.Pacing;
import io.ctiserver.server.cli.CliArgs;
import io.ctiserver.server.gateway.Gateway;
import io.ctiserver.server.gateway.GatewayConfig;
import io.ctiserver.server.gateway.Json;
import io.ctiserver.server.gateway.auth.PasswordHash;
import io.ctiserver.server.gateway.auth.Role;
import io.ctiserver.server.gateway.auth.UserConfig;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench presence}: the switchboard view at scale. A presence tracker with {@code --extensions} lines (5,000)
 * behind the gateway, fed ExtensionStatus events as Asterisk would send them.
 *
 * <ol>
 *   <li><b>Snapshot</b> to a new desktop: from its {@code subscribe presence} to the whole {@code presence.snapshot}
 *       received; baseline in the same run: serialising the same lines with the gateway's JSON mapper alone.</li>
 *   <li><b>A change fanned out</b> to {@code --desktops} (1,000) subscribed desktops (supervisors, who see every
 *       line): latency from the ExtensionStatus entering the tracker to the frame decoded at each desktop; baseline
 *       in the same run, interleaved event by event: an {@code agent.state} call event fanned out to the same
 *       desktops (the call-event path of {@code bench ws}). {@code --rate} counts both kinds.</li>
 *   <li><b>The floor</b>: frames of the same size at the presence changes' pace over as many bare loopback sockets
 *       ({@link SocketFloor}): what this machine takes to move them, with no gateway at all.</li>
 * </ol>
 * The desktops run in a child JVM ({@link WsBenchClient} with its presence mode).
 */
public final class PresenceBenchmark implements BenchCommand.Benchmark {

    @Override
    public String summary() {
        return "presence: snapshot of N extensions to a new desktop; a change to M desktops against call events";
    }

    @Override
    public int run(List<String> args) throws Exception {
        CliArgs a = CliArgs.parse(args, Set.of("desktops", "extensions", "rate", "seconds", "warmup", "snapshots",
                "client-heap"), Set.of());
        int desktops = a.getInt("desktops", 1000);
        int extensions = a.getInt("extensions", 5000);
        int rate = a.getInt("rate", 4);
        int seconds = a.getInt("seconds", 15);
        int warmup = a.getInt("warmup", 3);
        int snapshots = a.getInt("snapshots", 20);
        String clientHeap = a.get("client-heap", "1g");

        String hash = PasswordHash.hash("bench".toCharArray(), 1); // tokens are issued directly, never a login
        List<UserConfig> users = new ArrayList<>();
        for (int i = 0; i <= desktops; i++) {
            users.add(UserConfig.of("s" + i, hash, Role.SUPERVISOR));
        }
        GatewayConfig config = new GatewayConfig("127.0.0.1", 0, null, null, users, 0, null, 16 << 20, 16_384, 0, 0,
                0, 0, 0, 0, 0, "pbx1", null);
        PresenceTracker presence = new PresenceTracker("pbx1");
        System.out.printf("bench presence: %d extensions, %d desktops, %d events/s (half call events, half presence "
                + "changes), %d s measured after %d s "
                + "warm-up, max heap %d MiB, load average %.2f%n", extensions, desktops, rate, seconds, warmup,
                Runtime.getRuntime().maxMemory() >> 20,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        try (Gateway gw = Gateway.builder().config(config).stateView(CtiStateView.EMPTY).presence(presence).build()
                .start()) {
            presence.addListener(gw);
            for (int i = 0; i < extensions; i++) {
                presence.onMessage(status(i, "0", "PJSIP/" + ext(i)));
            }

            // 1. Snapshot to a new desktop, idle gateway; five unmeasured rounds first (JIT, connection setup).
            for (int i = 0; i < 5; i++) {
                Json.MAPPER.writeValueAsBytes(presence.entries());
                snapshotOnce(gw.port(), gw.issueToken("s" + desktops).token());
            }
            long[] serialise = new long[snapshots];
            long[] delivered = new long[snapshots];
            int bytes = 0;
            for (int i = 0; i < snapshots; i++) {
                long t0 = System.nanoTime();
                bytes = Json.MAPPER.writeValueAsBytes(presence.entries()).length;
                serialise[i] = System.nanoTime() - t0;
                delivered[i] = snapshotOnce(gw.port(), gw.issueToken("s" + desktops).token());
            }
            Arrays.sort(serialise);
            Arrays.sort(delivered);
            System.out.printf("%nsnapshot of %d lines (%d KiB): to a new desktop p50 %.1f ms, max %.1f ms; "
                            + "serialising alone p50 %.1f ms (%.1fx)%n", extensions, bytes >> 10,
                    delivered[snapshots / 2] / 1e6, delivered[snapshots - 1] / 1e6, serialise[snapshots / 2] / 1e6,
                    (double) delivered[snapshots / 2] / serialise[snapshots / 2]);
            System.out.printf("target snapshot < 200 ms: %s%n", delivered[snapshots - 1] < 200_000_000L
                    ? "met (every one of " + snapshots + ")" : "NOT met");

            // 2. A change to every desktop, against a call event to every desktop; the gateway's side measured by a
            // probe on every frame's write, the desktops' side by the child JVM.
            FanoutProbe probe = new FanoutProbe();
            gw.sessions().writeProbe(probe);
            Percentiles[] r = fanOut(gw, presence, probe, desktops, extensions, rate, seconds, warmup, clientHeap);
            gw.sessions().writeProbe(null);
            FanoutProbe.Result gwBase = probe.of("agent.state");
            FanoutProbe.Result gwPres = probe.of("presence");
            System.out.printf("%ngateway side: from the event entering the gateway to the frame's bytes handed to the "
                    + "kernel (write completed)%n");
            header();
            row("call event (baseline)", gwBase.frames());
            row("presence change", gwPres.frames());
            ratio("  ratio to baseline", gwPres.frames(), gwBase.frames());
            System.out.printf("to the last of the %d desktops, per event:%n", desktops);
            row("call event (baseline)", gwBase.lastDesktop());
            row("presence change", gwPres.lastDesktop());
            ratio("  ratio to baseline", gwPres.lastDesktop(), gwBase.lastDesktop());
            System.out.printf("%nend to end: from the event handed to the presence tracker or the gateway to the frame "
                    + "decoded at the desktop (desktops in a child JVM on the same cores)%n");
            header();
            row("call event (baseline)", r[0]);
            row("presence change", r[1]);
            ratio("  ratio to baseline", r[1], r[0]);
            System.out.printf("target p99 < 5 ms for a change to %d desktops: gateway side per frame %s (p99 %d us), "
                            + "to the last desktop %s (p99 %d us); end to end %s (p99 %d us); events dropped: %d%n",
                    desktops, met(gwPres.frames()), gwPres.frames().p99(), met(gwPres.lastDesktop()),
                    gwPres.lastDesktop().p99(), met(r[1]), r[1].p99(), gw.fanout().dropped());

            // 3. The floor: as many frames of the same size over as many bare loopback sockets, no gateway.
            int frameBytes = 2 + Json.MAPPER.writeValueAsBytes(Map.of("seq", 12_345, "type", "presence", "time",
                    Instant.now(), "pbx", "pbx1", "payload", presence.entries().get(0))).length;
            SocketFloor.Result floor;
            try (SocketFloor f = new SocketFloor(desktops)) {
                floor = f.measure(Math.max(1, rate / 2), seconds, warmup, frameBytes);
            }
            System.out.printf("%nthe floor, %d bare loopback sockets written %d bytes each per round, %d rounds/s "
                    + "(no gateway, no WebSocket):%n", desktops, frameBytes, Math.max(1, rate / 2));
            header();
            row("written (writers' side)", floor.written());
            row("  to the last socket", floor.lastSocket());
            row("read (readers' side)", floor.read());
            ratio("presence/floor, written", gwPres.frames(), floor.written());
            ratio("  to the last", gwPres.lastDesktop(), floor.lastSocket());
            ratio("presence/floor, read", r[1], floor.read());
            System.out.printf("load average after the run %.2f%n",
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            return 0;
        }
    }

    /**
     * CPU and user-mode CPU of the gateway's threads that carry the fan-out (the fan-out thread and the connections'
     * event loops), in nanoseconds: unlike the process's, without the JIT compiler's and the collector's.
     */
    private static long[] fanoutCpuNanos() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long[] sum = new long[2];
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(Gateway.IO_THREADS) || t.getName().equals("gateway-fanout")) {
                sum[0] += Math.max(0, mx.getThreadCpuTime(t.getId()));
                sum[1] += Math.max(0, mx.getThreadUserTime(t.getId()));
            }
        }
        return sum;
    }

    /** A process's user and system CPU in clock ticks (Linux's /proc; zeros elsewhere). */
    private static long[] cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])}; // fields 14 and 15: utime, stime
        } catch (java.io.IOException | RuntimeException e) {
            return new long[2];
        }
    }

    private static void header() {
        System.out.printf("%-26s %9s %9s %9s %9s %9s%n", "", "samples", "p50 us", "p99 us", "p99.9 us", "max us");
    }

    private static void row(String name, Percentiles p) {
        System.out.printf("%-26s %9d %9d %9d %9d %9d%n", name, p.samples(), p.p50(), p.p99(), p.p999(), p.max());
    }

    private static void ratio(String name, Percentiles p, Percentiles base) {
        if (base.p50() > 0 && base.p99() > 0) {
            System.out.printf("%-26s %9s %8.2fx %8.2fx %8.2fx%n", name, "", (double) p.p50() / base.p50(),
                    (double) p.p99() / base.p99(), (double) p.p999() / Math.max(1, base.p999()));
        }
    }

    private static String met(Percentiles p) {
        return p.samples() > 0 && p.p99() < 5000 ? "met" : "NOT met";
    }

    /** One desktop: connect, wait for its snapshot, subscribe to presence, time until presence.snapshot is in. */
    private static long snapshotOnce(int port, String token) throws Exception {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        CompletableFuture<Long> done = new CompletableFuture<>();
        long[] sentAt = {0};
        WebSocket.Listener l = new WebSocket.Listener() {
            private final StringBuilder buf = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                buf.append(data);
                if (last) {
                    String text = buf.toString();
                    buf.setLength(0);
                    if (text.contains("\"type\":\"snapshot\"")) {
                        ready.complete(null);
                    } else if (text.contains("\"type\":\"presence.snapshot\"")) {
                        done.complete(System.nanoTime() - sentAt[0]);
                    }
                }
                ws.request(1);
                return null;
            }
        };
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws?token=" + token), l).get(10, TimeUnit.SECONDS);
        try {
            ready.get(10, TimeUnit.SECONDS);
            sentAt[0] = System.nanoTime();
            ws.sendText("{\"type\":\"subscribe\",\"id\":\"p\",\"presence\":true}", true);
            return done.get(10, TimeUnit.SECONDS);
        } finally {
            ws.abort();
        }
    }

    /**
     * Connects the desktops (subscribed to presence), then one load where call events and presence changes alternate:
     * both measured under the same conditions, neither favoured by running second (JIT, connection set-up).
     */
    private static Percentiles[] fanOut(Gateway gw, PresenceTracker presence, FanoutProbe probe, int desktops,
                                        int extensions, int rate, int seconds, int warmup, String clientHeap)
            throws Exception {
        Path tokens = Files.createTempFile("bench-presence-tokens", ".txt");
        List<String> lines = new ArrayList<>(desktops);
        for (int i = 0; i < desktops; i++) {
            lines.add(gw.issueToken("s" + i).token());
        }
        Files.write(tokens, lines);
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process child = new ProcessBuilder(java, "-Xms" + clientHeap, "-Xmx" + clientHeap, "-XX:+UseParallelGC", "-cp",
                System.getProperty("java.class.path"), WsBenchClient.class.getName(), Integer.toString(gw.port()),
                tokens.toString(), "presence").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8));
             PrintWriter in = new PrintWriter(child.getOutputStream(), true, StandardCharsets.UTF_8)) {
            String connected = WsBenchmark.expect(out, "CONNECTED ");
            System.out.printf("%n%s desktops subscribed to presence (each got the %d-line snapshot)%n",
                    connected == null ? "?" : connected.substring(10).trim(), extensions);
            load(gw, presence, extensions, rate, warmup);
            Thread.sleep(300);
            probe.reset();
            in.println("RESET");
            long[] cpu0 = fanoutCpuNanos();
            long[] childCpu0 = cpuTicks(child.pid());
            load(gw, presence, extensions, rate, seconds);
            Thread.sleep(300);
            long[] cpu = fanoutCpuNanos();
            long[] childCpu = cpuTicks(child.pid());
            int events = rate * seconds;
            System.out.printf("%nCPU per event of %d frames: the gateway's fan-out and event loop threads %.2f ms "
                    + "(%.2f in the kernel); the desktops' JVM %.2f ms (%.2f in the kernel; all its threads); over %d "
                    + "events%n", desktops, (cpu[0] - cpu0[0]) / 1e6 / events,
                    (cpu[0] - cpu0[0] - cpu[1] + cpu0[1]) / 1e6 / events,
                    (childCpu[0] + childCpu[1] - childCpu0[0] - childCpu0[1]) * 10.0 / events,
                    (childCpu[1] - childCpu0[1]) * 10.0 / events, events);
            Thread.sleep(300);
            in.println("REPORT");
            String call = WsBenchmark.expect(out, "RESULT ");
            String pres = WsBenchmark.expect(out, "PRESENCE ");
            if (call == null || pres == null) {
                throw new IllegalStateException("bench client gave no result");
            }
            String[] c = call.split(" ");
            String[] p = pres.split(" ");
            if (!"0".equals(c[7])) {
                System.out.println("  " + c[7] + " desktop(s) closed by the gateway as not reading");
            }
            in.println("QUIT");
            child.waitFor(30, TimeUnit.SECONDS);
            return new Percentiles[] {Percentiles.parse(c, 1), Percentiles.parse(p, 1)};
        } finally {
            child.destroy();
            Files.deleteIfExists(tokens);
        }
    }

    /**
     * {@code rate} events per second for {@code seconds}, paced, alternating: an agent.state call event (its paused
     * reason carries the send time; the baseline) and an ExtensionStatus through the presence tracker (its hint
     * carries the send time). One thread plays the PBX's consumer thread, as the real wiring does.
     */
    private static void load(Gateway gw, PresenceTracker presence, int extensions, int rate, int seconds) {
        SplittableRandom rnd = new SplittableRandom(42);
        Instant since = Instant.now();
        long[] turn = {0}; // odd: a presence change, even: a call event; every other presence change is to busy
        Pacing.paced(rate, seconds, () -> {
            int i = rnd.nextInt(extensions);
            long t = ++turn[0];
            if (t % 2 == 1) {
                presence.onMessage(status(i, t % 4 == 1 ? "1" : "0", "bench-" + System.nanoTime()));
            } else {
                AgentView agent = new AgentView("pbx1", "PJSIP/" + ext(i), "Agent " + i, AgentState.PAUSED,
                        "bench-" + System.nanoTime(), List.of(), null, since);
                gw.onEvent(new AgentStateChanged("pbx1", since, agent, AgentState.AVAILABLE));
            }
        });
    }

    private static AmiMessage status(int i, String status, String hint) {
        return AmiMessage.of("Event", "ExtensionStatus", "Privilege", "call,all", "Exten", ext(i), "Context",
                "agents", "Hint", hint, "Status", status, "StatusText", status.equals("0") ? "Idle" : "InUse")
                .withSource("pbx1", System.currentTimeMillis());
    }

    private static String ext(int i) {
        return Integer.toString(10_000 + i);
    }

}
