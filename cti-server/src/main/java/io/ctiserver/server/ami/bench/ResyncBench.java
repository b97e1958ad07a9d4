package io.ctiserver.server.ami.bench;

import ch.qos.logback.classic.Level;
import io.ctiserver.ami.AmiActionSender;
import io.ctiserver.ami.AmiLinkState;
import io.ctiserver.ami.AmiListener;
import io.ctiserver.ami.AmiMessage;
import io.ctiserver.ami.AmiResponse;
import io.ctiserver.events.AgentState;
import io.ctiserver.events.AgentView;
import io.ctiserver.events.CallState;
import io.ctiserver.events.CallView;
import io.ctiserver.events.CtiStateView;
import io.ctiserver.events.QueueEntryView;
import io.ctiserver.events.QueueView;
import io.ctiserver.events.StateReconciled;
import io.ctiserver.server.ami.AmiClient;
import io.ctiserver.server.ami.PbxConfig;
import io.ctiserver.server.bench.BenchCommand;
import io.ctiserver.server.cli.CliArgs;
import io.ctiserver.server.config.ServerConfig;
import io.ctiserver.server.run.CtiServer;
import io.ctiserver.server.sim.InboundCall;
import io.ctiserver.server.sim.PbxSimulator;
import io.ctiserver.server.sim.SimConfig;
import io.ctiserver.tracker.Resync;
import io.ctiserver.tracker.Tracker;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.asteriskjava.live.AsteriskChannel;
import org.asteriskjava.live.AsteriskQueue;
import org.asteriskjava.live.DefaultAsteriskServer;
import org.asteriskjava.manager.DefaultManagerConnection;
import org.asteriskjava.manager.ManagerConnection;
import org.slf4j.LoggerFactory;

/**
 * {@code bench resync}: how long after login the tracked state equals what a busy PBX holds. The simulator is
 * preloaded with {@code --calls} queue calls on {@code --agents} Local agents in four queues (each free agent
 * answers one, the others wait): 2,500 calls on 1,800 agents are 6,100 channels. Then, per round, a fresh
 * {@link Tracker} with its {@link AmiClient} and {@link Resync}, wired as the server wires them, logs in; the time is
 * from the login (link state CONNECTED) to the tracker's {@code state.reconciled}, and the tracked calls, queue
 * entries and agents are then checked against the simulator's truth (a round that does not match fails the run).
 * The baseline, in the same run and on the same simulator: asterisk-java's Live API, {@code DefaultAsteriskServer}
 * {@code initialize()} after its {@code ManagerConnection} logged in (Status, Agents, the MeetMe command,
 * QueueStatus, one after another), checked by its channel and queue entry counts. With {@code --server} a whole
 * {@link CtiServer} logs in instead of the bare tracker. The simulator answers both lists 20 times before the first
 * round, so that the cold round measures our start-up, not the simulator's. See docs/tracker.md.
 */
public final class ResyncBench implements BenchCommand.Benchmark {

    private static final String[][] QUEUES = {{"support", "rrmemory"}, {"sales", "leastrecent"},
        {"billing", "fewestcalls"}, {"tech", "rrmemory"}};

    @Override
    public String summary() {
        return "resync after login with N channels up: tracker vs asterisk-java's Live API initialize()";
    }

    @Override
    public int run(List<String> args) throws Exception {
        CliArgs a = CliArgs.parse(args, Set.of("calls", "agents", "rounds", "warmup"), Set.of("server"));
        boolean wholeServer = a.flag("server");
        int calls = a.getInt("calls", 2500);
        int agents = a.getInt("agents", 1800);
        int rounds = a.getInt("rounds", 5);
        int warmup = a.getInt("warmup", 2);
        quietLogs();
        System.out.printf("bench resync: %d calls on %d agents; %d warm-up rounds, %d measured; %d cores, "
                + "load average %.2f%n", calls, agents, warmup, rounds, Runtime.getRuntime().availableProcessors(),
                loadAverage());
        try (PbxSimulator sim = PbxSimulator.start(config(agents))) {
            long t0 = System.nanoTime();
            PbxSimulator.Load load = sim.preload(preloadCalls(calls), Duration.ofSeconds(60));
            PbxSimulator.Truth truth = sim.truth();
            int waiting = truth.queueEntries().values().stream().mapToInt(List::size).sum();
            System.out.printf("simulator holds %,d channels, %,d calls (%,d connected to agents, %,d waiting), "
                    + "%,d bridges; preloaded in %.0f ms%n", load.channels(), load.calls(), truth.agentCalls().size(),
                    waiting, load.bridges(), (System.nanoTime() - t0) / 1e6);
            long w0 = System.nanoTime();
            warmSimulator(sim.amiPort(), 20);
            System.out.printf("simulator warmed up (20 answers to both lists through a plain socket) in %.0f ms%n",
                    (System.nanoTime() - w0) / 1e6);
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
            List<Double> ours = new ArrayList<>();
            List<Double> theirs = new ArrayList<>();
            List<Double> oursCpu = new ArrayList<>();
            List<Double> theirsCpu = new ArrayList<>();
            boolean allMatched = true;
            double coldOurs = Double.NaN;
            double coldTheirs = Double.NaN;
            try {
                for (int r = -warmup; r < rounds; r++) {
                    Ours o = wholeServer ? server(sim, truth) : ours(sim, group, truth);
                    Theirs t = theirs(sim, load, waiting);
                    allMatched &= o.differences.isEmpty() && t.matched;
                    String label = r == -warmup ? "cold" : r < 0 ? "warm-up" : "round " + (r + 1);
                    if (r == -warmup) {
                        coldOurs = o.ms;
                        coldTheirs = t.ms;
                    }
                    String mismatch = o.differences.isEmpty() ? "" : " MISMATCH " + o.differences;
                    String theirMismatch = t.matched ? ""
                            : " MISMATCH (" + t.channels + " channels, " + t.entries + " entries)";
                    if (wholeServer) {
                        System.out.printf("%-8s server %7.1f ms%s   asterisk-java %7.1f ms%s%n", label, o.ms, mismatch,
                                t.ms, theirMismatch);
                    } else {
                        System.out.printf("%-8s tracker %7.1f ms, CPU %6.1f ms (answers in %6.1f ms: CoreShowChannels "
                                        + "%,d events, QueueStatus %,d; apply %5.1f ms)%s   asterisk-java %7.1f ms, "
                                        + "CPU %6.1f ms%s%n", label, o.ms, o.cpuMs, o.answersMs, o.channelEvents,
                                o.queueEvents, o.applyMs, mismatch, t.ms, t.cpuMs, theirMismatch);
                    }
                    if (r >= 0) {
                        ours.add(o.ms);
                        theirs.add(t.ms);
                        oursCpu.add(o.cpuMs);
                        theirsCpu.add(t.cpuMs);
                    }
                }
            } finally {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
            }
            double mo = median(ours);
            double mt = median(theirs);
            System.out.println();
            System.out.printf("median of %d rounds, login to state equal to the PBX's:%n", rounds);
            System.out.printf("  %-42s %8.1f ms   [target <= 1000 ms]%n", wholeServer
                    ? "the whole server (CtiServer)" : "tracker (AmiClient, Resync, Tracker)", mo);
            System.out.printf("  asterisk-java Live API initialize()        %8.1f ms%n", mt);
            System.out.printf("  ratio                                      %8.1fx faster than asterisk-java%n", mt / mo);
            if (!wholeServer) {
                double co = median(oursCpu);
                double ct = median(theirsCpu);
                System.out.printf("CPU time of the client's Java threads (JIT and GC threads not counted), median: "
                        + "tracker %.1f ms, asterisk-java %.1f ms, %.1fx%n", co, ct, ct / co);
            }
            if (warmup > 0) {
                System.out.printf("first round, cold (each client's first login in this JVM): ours %.1f ms, "
                        + "asterisk-java %.1f ms, %.1fx%n", coldOurs, coldTheirs, coldTheirs / coldOurs);
            }
            System.out.printf("load average at the end: %.2f%n", loadAverage());
            if (!allMatched) {
                System.out.println("MISMATCH: a round's state did not equal the simulator's (see above)");
            }
            return allMatched ? 0 : 1;
        }
    }

    /** One Local agent per member, spread over four queues; agents answer at once; nobody gives up. */
    static SimConfig config(int agents) {
        List<List<SimConfig.MemberConfig>> members = new ArrayList<>();
        for (int q = 0; q < QUEUES.length; q++) {
            members.add(new ArrayList<>());
        }
        for (int i = 0; i < agents; i++) {
            members.get(i % QUEUES.length).add(new SimConfig.MemberConfig("Local/" + (10000 + i) + "@agents/n",
                    "Agent " + (10000 + i), 0, false, "answer", 0.0, 1.0));
        }
        List<SimConfig.QueueConfig> queues = new ArrayList<>();
        Map<String, String> ivr = new HashMap<>();
        for (int q = 0; q < QUEUES.length; q++) {
            queues.add(new SimConfig.QueueConfig(QUEUES[q][0], QUEUES[q][1], 15, 2, 0, 0, members.get(q)));
            ivr.put(Integer.toString(q + 1), QUEUES[q][0]);
        }
        return SimConfig.demo().withAmiPort(0).withAgi("127.0.0.1", 0, 300).withTraffic(0, 42, 1.0)
                .withQueues(queues).withIvrQueues(ivr);
    }

    /** Callers spread over the queues in turn, talking far longer than the run, never abandoning. */
    static List<InboundCall> preloadCalls(int calls) {
        List<InboundCall> list = new ArrayList<>(calls);
        for (int i = 0; i < calls; i++) {
            String number = Integer.toString(5_000_000 + i);
            list.add(new InboundCall("PJSIP/trunk", number, "Caller " + number, "5000",
                    Integer.toString(i % QUEUES.length + 1), 1_000_000, 0, true));
        }
        return list;
    }

    /**
     * Asterisk, written in C, answers at full speed from the first request; the simulator's Java code has to be
     * compiled first. So it answers both lists {@code times} over a plain socket (no code of our client runs) before
     * any round: the cold round then measures our client's own start-up, not the simulator's.
     */
    static void warmSimulator(int port, int times) throws java.io.IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000);
            java.io.OutputStream out = socket.getOutputStream();
            java.io.InputStream in = socket.getInputStream();
            out.write("Action: Login\r\nUsername: cti\r\nSecret: cti\r\nEvents: off\r\n\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            for (int i = 0; i < times; i++) {
                out.write(("Action: CoreShowChannels\r\nActionID: w" + i + "\r\n\r\n"
                        + "Action: QueueStatus\r\nActionID: q" + i + "\r\n\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                skipPast(in, "EventList: Complete", 2);
            }
        }
    }

    /** Reads until {@code marker} has gone by {@code count} times (a marker cut by a read is still found). */
    private static void skipPast(java.io.InputStream in, String marker, int count) throws java.io.IOException {
        byte[] m = marker.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] buf = new byte[1 << 16];
        int matched = 0;
        while (count > 0) {
            int n = in.read(buf);
            if (n < 0) {
                throw new java.io.EOFException("the simulator closed the warm-up connection");
            }
            for (int i = 0; i < n && count > 0; i++) {
                byte b = buf[i];
                matched = b == m[matched] ? matched + 1 : b == m[0] ? 1 : 0;
                if (matched == m.length) {
                    count--;
                    matched = 0;
                }
            }
        }
    }

    private record Ours(double ms, double answersMs, double applyMs, int channelEvents, int queueEvents,
                        List<String> differences, double cpuMs) {
    }

    /**
     * {@code --server}: a whole {@link CtiServer} (gateway, KPIs and call history listening to the tracker; FastAGI
     * and the gateway on free ports) configured with the simulator as its one PBX. Its tracker is not reachable
     * before it connects, so the link state and the state view are polled every millisecond: the clock runs from
     * the first poll that sees the link logged in to the first that sees the state equal to the simulator's.
     */
    private static Ours server(PbxSimulator sim, PbxSimulator.Truth truth) throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode root;
        try (java.io.InputStream in = ServerConfig.class.getResourceAsStream(ServerConfig.DEMO_RESOURCE)) {
            root = (com.fasterxml.jackson.databind.node.ObjectNode) ServerConfig.mapper().readTree(in);
        }
        root.withObject("/sim").put("enabled", false);
        root.remove("wrapUp"); // the bench PBX's members are not paused after calls: resync alone is measured
        root.withObject("/agi").put("port", 0);
        root.withObject("/gateway").put("port", 0).put("defaultPbx", "bench");
        root.withObject("/pbx").withArray("servers").addObject().put("id", "bench").put("host", "127.0.0.1")
                .put("port", sim.amiPort()).put("username", "cti").put("secret", "cti");
        int waiting = truth.queueEntries().values().stream().mapToInt(List::size).sum();
        try (CtiServer server = CtiServer.start(ServerConfig.of(root))) {
            AmiClient client = server.amiClient("bench");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            long connectedAt = 0;
            while (System.nanoTime() < deadline) {
                long now = System.nanoTime();
                if (connectedAt == 0 && (client.state() == AmiLinkState.CONNECTED
                        || client.state() == AmiLinkState.FULLY_BOOTED)) {
                    connectedAt = now;
                }
                CtiStateView view = server.state();
                if (connectedAt != 0 && view.calls().size() == truth.calls().size()
                        && view.queues().stream().mapToInt(q -> q.entries().size()).sum() == waiting
                        && differences(truth, view).isEmpty()) {
                    return new Ours((now - connectedAt) / 1e6, Double.NaN, Double.NaN, 0, 0, List.of(), Double.NaN);
                }
                Thread.sleep(1);
            }
            return new Ours(Double.NaN, Double.NaN, Double.NaN, 0, 0, differences(truth, server.state()), Double.NaN);
        }
    }

    /** A fresh tracker logs in; the clock runs from CONNECTED to StateReconciled. */
    private static Ours ours(PbxSimulator sim, EventLoopGroup group, PbxSimulator.Truth truth) throws Exception {
        Tracker tracker = new Tracker("bench");
        long[] connectedAt = new long[1];
        long[] reconciledAt = new long[1];
        CountDownLatch done = new CountDownLatch(1);
        Executor[] trackerThread = new Executor[1];
        tracker.addListener(e -> {
            if (e instanceof StateReconciled) {
                // The new state is published when applySnapshot returns: note the time in the task after it.
                trackerThread[0].execute(() -> {
                    reconciledAt[0] = System.nanoTime();
                    done.countDown();
                });
            }
        });
        AmiListener timed = new AmiListener() {
            @Override
            public void onMessage(AmiMessage m) {
                tracker.onMessage(m);
            }

            @Override
            public void onLinkState(String pbx, AmiLinkState state, String detail) {
                if (state == AmiLinkState.CONNECTED && connectedAt[0] == 0) {
                    connectedAt[0] = System.nanoTime();
                }
                tracker.onLinkState(pbx, state, detail);
            }
        };
        AmiClient client = new AmiClient(PbxConfig.of("bench", "127.0.0.1", sim.amiPort(), "cti", "cti"), timed,
                group);
        trackerThread[0] = client.pbxExecutor();
        TimedSender sender = new TimedSender(client);
        tracker.onResyncNeeded(new Resync(tracker, sender, client.pbxExecutor())::start);
        try {
            long cpu0 = clientCpuNanos();
            client.start();
            if (!done.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("no resync within 60 s");
            }
            long answered = sender.lastAnswer();
            double cpuMs = (clientCpuNanos() - cpu0) / 1e6;
            return new Ours((reconciledAt[0] - connectedAt[0]) / 1e6, (answered - connectedAt[0]) / 1e6,
                    (reconciledAt[0] - answered) / 1e6, sender.events("CoreShowChannels"),
                    sender.events("QueueStatus"), differences(truth, tracker.view()), cpuMs);
        } finally {
            client.close();
        }
    }

    /** The AMI client, noting when each action's answer (its whole event list) was complete. */
    private static final class TimedSender implements AmiActionSender {
        private final AmiClient client;
        private final Map<String, Integer> events = new java.util.concurrent.ConcurrentHashMap<>();
        private volatile long lastAnswer;

        TimedSender(AmiClient client) {
            this.client = client;
        }

        @Override
        public CompletableFuture<AmiResponse> send(AmiMessage action) {
            return client.send(action).whenComplete((r, e) -> {
                lastAnswer = Math.max(lastAnswer, System.nanoTime());
                if (r != null) {
                    events.put(action.action(), r.events().size());
                }
            });
        }

        long lastAnswer() {
            return lastAnswer;
        }

        int events(String action) {
            return events.getOrDefault(action, 0);
        }
    }

    /** Where the tracked calls, queue entries and agents differ from the simulator's; empty when equal. */
    static List<String> differences(PbxSimulator.Truth truth, CtiStateView view) {
        List<String> diffs = new ArrayList<>();
        Map<String, CallView> calls = new HashMap<>();
        for (CallView c : view.calls()) {
            calls.put(c.linkedId(), c);
        }
        if (!calls.keySet().equals(truth.calls())) {
            Set<String> missing = new HashSet<>(truth.calls());
            missing.removeAll(calls.keySet());
            Set<String> extra = new HashSet<>(calls.keySet());
            extra.removeAll(truth.calls());
            diffs.add("calls: " + missing.size() + " missing, " + extra.size() + " extra");
        }
        int wrongAgent = 0;
        for (Map.Entry<String, String> e : truth.agentCalls().entrySet()) {
            CallView c = calls.get(e.getValue());
            if (c == null || c.state() != CallState.CONNECTED || !e.getKey().equals(c.agentInterface())) {
                wrongAgent++;
            }
        }
        if (wrongAgent > 0) {
            diffs.add(wrongAgent + " connected calls without their agent");
        }
        Map<String, List<String>> entries = new HashMap<>();
        for (QueueView q : view.queues()) {
            entries.put(q.name(), q.entries().stream().map(QueueEntryView::callId)
                    .map(id -> calls.containsKey(id) ? id : "?" + id).toList());
        }
        for (Map.Entry<String, List<String>> e : truth.queueEntries().entrySet()) {
            if (!e.getValue().equals(entries.getOrDefault(e.getKey(), List.of()))) {
                diffs.add("queue " + e.getKey() + " entries differ");
            }
        }
        Map<String, String> linkedIdOf = new HashMap<>();
        for (CallView c : calls.values()) {
            linkedIdOf.put(c.callId(), c.linkedId());
        }
        int wrongState = 0;
        for (AgentView agent : view.agents()) {
            String call = truth.agentCalls().get(agent.iface());
            boolean ok = call == null ? agent.state() == AgentState.AVAILABLE && agent.callId() == null
                    : agent.state() == AgentState.ON_CALL && call.equals(linkedIdOf.get(agent.callId()));
            if (!ok) {
                wrongState++;
            }
        }
        if (wrongState > 0) {
            diffs.add(wrongState + " agents in the wrong state");
        }
        return diffs;
    }

    private record Theirs(double ms, boolean matched, int channels, int entries, double cpuMs) {
    }

    /** asterisk-java's Live API: logged in first, then {@code initialize()} timed. */
    private static Theirs theirs(PbxSimulator sim, PbxSimulator.Load load, int waiting) throws Exception {
        ManagerConnection connection = new DefaultManagerConnection("127.0.0.1", sim.amiPort(), "cti", "cti");
        connection.login();
        try {
            DefaultAsteriskServer server = new DefaultAsteriskServer(connection);
            long cpu0 = clientCpuNanos();
            long t0 = System.nanoTime();
            server.initialize();
            long t1 = System.nanoTime();
            double cpuMs = (clientCpuNanos() - cpu0) / 1e6;
            int channels = 0;
            for (AsteriskChannel c : server.getChannels()) {
                if (c.getState() != org.asteriskjava.live.ChannelState.HUNGUP) {
                    channels++;
                }
            }
            int entries = 0;
            for (AsteriskQueue q : server.getQueues()) {
                entries += q.getEntries().size();
            }
            return new Theirs((t1 - t0) / 1e6, channels == load.channels() && entries == waiting, channels, entries,
                    cpuMs);
        } finally {
            connection.logoff();
        }
    }

    /** Each round opens and closes connections; their INFO lines would drown the figures. */
    private static void quietLogs() {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext ctx) {
            ctx.getLogger("io.ctiserver").setLevel(Level.WARN);
            ctx.getLogger("org.asteriskjava").setLevel(Level.OFF);
        }
    }

    /**
     * CPU time of the Java threads of this process but the simulator's (its engine and I/O loops): the client's
     * event loop and consumer thread, or asterisk-java's threads and the caller of {@code initialize()}. The JVM's
     * own threads (JIT compiler, GC) are left out: they also work for whatever ran before (asterisk-java's heap,
     * its code being compiled). Unlike wall-clock time this hardly moves with the machine's load.
     */
    private static long clientCpuNanos() {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (java.lang.management.ThreadInfo t : mx.dumpAllThreads(false, false)) {
            if (!t.getThreadName().startsWith("sim-")) {
                sum += Math.max(0, mx.getThreadCpuTime(t.getThreadId()));
            }
        }
        return sum;
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
