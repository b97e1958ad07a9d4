package io.ctiserver.server.agi;

import io.ctiserver.routing.CallHistory;
import io.ctiserver.routing.Customer;
import io.ctiserver.routing.InMemoryCustomerDirectory;
import io.ctiserver.routing.QueueLoad;
import io.ctiserver.routing.RouteDecision;
import io.ctiserver.routing.RouteRequest;
import io.ctiserver.routing.Router;
import io.ctiserver.routing.RoutingConfig;
import io.ctiserver.routing.RoutingService;
import io.ctiserver.server.agi.bench.AgiLoadClient;
import io.ctiserver.server.bench.BenchCommand;
import io.ctiserver.server.cli.CliArgs;
import io.ctiserver.server.cli.UsageException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiRequest;
import org.asteriskjava.fastagi.DefaultAgiServer;
import org.asteriskjava.fastagi.SimpleMappingStrategy;

/**
 * {@code bench agi}: closed-loop synthetic FastAGI sessions over loopback TCP against our Netty server and, in the
 * same run with the same routing decision, asterisk-java's {@code DefaultAgiServer} (thread pool, default sizes) as
 * the baseline. Every session runs the {@code route} dialog: GET VARIABLE CHANNEL(linkedid) and IVR_CHOICE, the
 * decision against the embedded directory (VIP, skills, overflow rules active), nine SET VARIABLEs. See
 * docs/fastagi.md.
 */
public final class AgiBenchmark implements BenchCommand.Benchmark {

    @Override
    public String summary() {
        return "FastAGI route sessions at 50/500/1000 concurrent and 1000, 4000/s, against asterisk-java's "
                + "DefaultAgiServer";
    }

    @Override
    public int run(List<String> args) throws Exception {
        CliArgs cli = CliArgs.parse(args, Set.of("concurrency", "seconds", "warmup", "customers", "io-threads",
                "client-threads", "servers", "rounds", "jit-warmup", "rate"), Set.of());
        List<Level> levels = new ArrayList<>();
        for (int c : numbers(cli.get("concurrency", "50,500,1000"), "--concurrency")) {
            levels.add(new Level(false, c));
        }
        for (int r : numbers(cli.get("rate", "1000,4000"), "--rate")) {
            levels.add(new Level(true, r));
        }
        long measureMillis = (long) (cli.getDouble("seconds", 5) * 1000);
        long warmupMillis = (long) (cli.getDouble("warmup", 2) * 1000);
        int customers = cli.getInt("customers", 10_000);
        int ioThreads = cli.getInt("io-threads", AgiConfig.defaults().ioThreads());
        int clientThreads = cli.getInt("client-threads", 1);
        List<String> servers = List.of(cli.get("servers", "netty,asterisk-java,asterisk-java-batched").split(","));
        for (String s : servers) {
            if (!SERVERS.contains(s)) {
                throw new UsageException("--servers takes names from " + SERVERS + ", separated by commas");
            }
        }
        int rounds = cli.getInt("rounds", 1);
        long jitWarmupMillis = (long) (cli.getDouble("jit-warmup", 8) * 1000);

        // asterisk-java logs every rejected connection; the benchmark counts them instead
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.asteriskjava"))
                .setLevel(ch.qos.logback.classic.Level.OFF);
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.ctiserver"))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        InMemoryCustomerDirectory directory = directory(customers);
        RoutingConfig rc = config();
        LongAdder decisions = new LongAdder();
        RoutingService routing = new RoutingService(new Router(rc, load(), CallHistory.none()), directory,
                d -> decisions.increment());

        System.out.printf("bench agi: %d customers, warmup %.1f s, measure %.1f s per run, our io threads %s, "
                        + "client threads %d, %d cores, transport %s%n", customers, warmupMillis / 1000.0, measureMillis / 1000.0,
                Integer.toString(ioThreads), clientThreads, Runtime.getRuntime().availableProcessors(), Transport.name());
        System.out.println("load before: " + loadAverage());
        System.out.printf("%-24s %9s %6s %12s %9s %9s %9s %10s %12s %12s%n", "server", "load", "open", "sessions/s",
                "p50 ms", "p99 ms", "max ms", "rejected", "srv CPU us", "client us");

        Map<Level, Map<String, AgiLoadClient.Result>> rates = new LinkedHashMap<>();
        try (AgiLoadClient client = new AgiLoadClient(clientThreads, 10_000)) {
            // Every server (and the client) runs a while unmeasured first: on a busy machine the JIT compilers get
            // little CPU, and the first measured run would otherwise measure the interpreter.
            if (jitWarmupMillis > 0) {
                for (String server : servers) {
                    runServer(server, client, routing, rc, ioThreads, new Level(false, 100), 0,
                            jitWarmupMillis / servers.size());
                }
                System.out.println("(JIT warm-up done: " + jitWarmupMillis / 1000.0 + " s unmeasured)");
            }
            for (Level c : levels) {
                // Rounds alternate the servers, so that a change in the machine's load hits them alike; the round
                // with the median throughput is reported, and every round is printed when there are several.
                Map<String, List<AgiLoadClient.Result>> results = new LinkedHashMap<>();
                for (int round = 0; round < rounds; round++) {
                    for (String server : servers) {
                        AgiLoadClient.Result r = runServer(server, client, routing, rc, ioThreads, c, warmupMillis,
                                measureMillis);
                        results.computeIfAbsent(server, k -> new ArrayList<>()).add(r);
                        if (rounds > 1) {
                            report("  " + server + " #" + (round + 1), c, r);
                        }
                    }
                }
                Map<String, AgiLoadClient.Result> level = new LinkedHashMap<>();
                results.forEach((server, list) -> level.put(server, report(server, c, median(list, c))));
                rates.put(c, level);
            }
        }
        System.out.println("load after: " + loadAverage());
        if (servers.contains("netty")) {
            rates.forEach((c, level) -> level.forEach((server, r) -> {
                AgiLoadClient.Result ours = level.get("netty");
                if (server.equals("netty")) {
                    return;
                }
                if (c.open()) {
                    System.out.printf("at %s: p99 netty %.2f ms, %s %.2f ms; rejected %d and %d%n", c.label(),
                            ours.percentileMillis(99), server, r.percentileMillis(99), ours.rejected(), r.rejected());
                } else {
                    System.out.printf("ratio netty / %s at %s: %.2fx sessions/s, %.2fx less server CPU per "
                                    + "session%n", server, c.label(), ours.sessionsPerSecond() / r.sessionsPerSecond(),
                            r.serverCpuMicrosPerSession() / ours.serverCpuMicrosPerSession());
                }
            }));
        }
        System.out.println("decisions made: " + decisions.sum());
        return 0;
    }

    private static final List<String> SERVERS = List.of("netty", "asterisk-java", "asterisk-java-batched");

    /**
     * One load level: a closed loop of {@code value} concurrent sessions (throughput), or an open loop of
     * {@code value} new sessions per second (latency at a given offered load).
     */
    record Level(boolean open, int value) {
        String label() {
            return open ? value + "/s" : value + " conc";
        }

        AgiLoadClient.Result drive(AgiLoadClient client, InetSocketAddress server, long warmup, long measure)
                throws InterruptedException {
            return open ? client.runOpen(server, value, warmup, measure, AgiBenchmark::env, AgiBenchmark::answer)
                    : client.run(server, value, warmup, measure, AgiBenchmark::env, AgiBenchmark::answer);
        }
    }

    private static List<Integer> numbers(String list, String flag) {
        List<Integer> out = new ArrayList<>();
        for (String s : list.split(",")) {
            if (s.isBlank()) {
                continue;
            }
            try {
                out.add(Integer.parseInt(s.trim()));
            } catch (NumberFormatException e) {
                throw new UsageException(flag + " takes numbers separated by commas");
            }
        }
        return out;
    }

    private static AgiLoadClient.Result runServer(String server, AgiLoadClient client, RoutingService routing,
                                                  RoutingConfig rc, int ioThreads, Level level, long warmup,
                                                  long measure) throws Exception {
        return switch (server) {
            case "netty" -> runNetty(client, routing, rc, ioThreads, level, warmup, measure);
            case "asterisk-java" -> runAsteriskJava(client, routing, rc, false, level, warmup, measure);
            default -> runAsteriskJava(client, routing, rc, true, level, warmup, measure);
        };
    }

    private static AgiLoadClient.Result runNetty(AgiLoadClient client, RoutingService routing, RoutingConfig rc,
                                                 int ioThreads, Level level, long warmup, long measure)
            throws InterruptedException {
        FastAgiServer ours = new FastAgiServer(AgiConfig.defaults().withPort(0).withBindAddress("127.0.0.1")
                .withIoThreads(ioThreads), List.of(new RouteScript(routing, rc.ivrVariables(), Clock.systemUTC())));
        try {
            return level.drive(client, ours.start(), warmup, measure);
        } finally {
            ours.close();
        }
    }

    /** The median round: by throughput in a closed loop, by p99 latency in an open one (where throughput is set). */
    private static AgiLoadClient.Result median(List<AgiLoadClient.Result> results, Level level) {
        List<AgiLoadClient.Result> sorted = new ArrayList<>(results);
        sorted.sort(level.open() ? java.util.Comparator.comparingDouble(r -> r.percentileMillis(99))
                : java.util.Comparator.comparingDouble(AgiLoadClient.Result::sessionsPerSecond));
        return sorted.get(sorted.size() / 2);
    }

    private static AgiLoadClient.Result report(String name, Level level, AgiLoadClient.Result r) {
        System.out.printf("%-24s %9s %6d %12.0f %9.2f %9.2f %9.2f %10d %12.0f %12.0f%n", name, level.label(),
                r.concurrency(),
                r.sessionsPerSecond(), r.percentileMillis(50), r.percentileMillis(99), r.percentileMillis(100),
                r.rejected(), r.serverCpuMicrosPerSession(), r.clientCpuMicrosPerSession());
        return r;
    }

    /**
     * asterisk-java's {@code DefaultAgiServer} running the same decision: with {@code batched}, the same two-command
     * dialog as ours ({@code GET FULL VARIABLE}, {@code EXEC MSet}); without, one command per variable, the way its
     * API invites ({@code getVariable}, {@code setVariable}).
     */
    private static AgiLoadClient.Result runAsteriskJava(AgiLoadClient client, RoutingService routing, RoutingConfig rc,
                                                        boolean batched, Level level, long warmup, long measure)
            throws Exception {
        int port = freePort();
        SimpleMappingStrategy mapping = new SimpleMappingStrategy();
        List<String> reads = new ArrayList<>();
        reads.add("CHANNEL(linkedid)");
        reads.addAll(rc.ivrVariables());
        String readExpression = VariableBatch.readExpression(reads).orElseThrow();
        mapping.setMappings(Map.of("route", (AgiRequest request, AgiChannel channel) -> {
            Map<String, String> values = new LinkedHashMap<>();
            if (batched) {
                values.putAll(VariableBatch.parse(reads, channel.getFullVariable(readExpression)).orElseThrow());
            } else {
                for (String name : reads) {
                    values.put(name, channel.getVariable(name));
                }
            }
            Map<String, String> ivr = new LinkedHashMap<>();
            for (String name : rc.ivrVariables()) {
                String v = values.get(name);
                if (v != null && !v.isEmpty()) {
                    ivr.put(name, v);
                }
            }
            String[] a = request.getArguments();
            RouteDecision d = routing.route(new RouteRequest(request.getUniqueId(), values.get("CHANNEL(linkedid)"),
                    request.getChannel(), a.length > 1 ? a[1] : request.getCallerIdNumber(),
                    request.getCallerIdName(), a.length > 0 ? a[0] : request.getExtension(), ivr,
                    java.time.Instant.now())).join();
            if (batched) {
                channel.exec("MSet", VariableBatch.msetArguments(d.variables()).orElseThrow());
            } else {
                for (Map.Entry<String, String> e : d.variables().entrySet()) {
                    channel.setVariable(e.getKey(), e.getValue());
                }
            }
        }));
        DefaultAgiServer server = new DefaultAgiServer(mapping);
        server.setPort(port);
        server.setAddress(java.net.InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            try {
                server.startup();
            } catch (IOException e) {
                System.err.println("asterisk-java server: " + e);
            }
        }, "asterisk-java-agi");
        t.setDaemon(true);
        t.start();
        awaitListening(port);
        try {
            return level.drive(client, new InetSocketAddress("127.0.0.1", port), warmup, measure);
        } finally {
            server.shutdown();
            t.join(5_000);
        }
    }

    static String env(int n) {
        return AgiLoadClient.envBlock("route", n, n % 4 == 0 ? "6000" : "5000", caller(n));
    }

    static String answer(int n, String variable) {
        return switch (variable) {
            case "CHANNEL(linkedid)" -> "1795458592." + n;
            case "IVR_CHOICE" -> Integer.toString(1 + n % 3);
            default -> null;
        };
    }

    /** Three in four callers are customers; one customer in ten is gold (VIP). */
    static String caller(int n) {
        return Integer.toString(5_550_000 + n % 13_333);
    }

    static InMemoryCustomerDirectory directory(int customers) {
        InMemoryCustomerDirectory dir = new InMemoryCustomerDirectory();
        for (int i = 0; i < customers; i++) {
            String tier = i % 10 == 0 ? "gold" : "standard";
            dir.put(new Customer("C" + i, "Customer " + i, List.of(Integer.toString(5_550_000 + i)), tier,
                    i % 5 == 0 ? "de" : "en", i % 2 == 0 ? "internet" : "mobile",
                    tier.equals("gold") ? "PJSIP/agent" + (i % 3 + 1) : null, Map.of()));
        }
        return dir;
    }

    static RoutingConfig config() {
        return new RoutingConfig("support", 0, 300L, List.of("IVR_CHOICE"), null, null, null,
                new RoutingConfig.Vip(List.of("gold", "platinum"), 10, 15),
                List.of(new RoutingConfig.SkillRule(Map.of("dialed", "6000"), "sales"),
                        new RoutingConfig.SkillRule(Map.of("customer.language", "de"), "support-de"),
                        new RoutingConfig.SkillRule(Map.of("ivr.IVR_CHOICE", "2"), "billing")),
                List.of(new RoutingConfig.OverflowRule("sales", 5, 120L, true, "support")),
                null);
    }

    /** A fixed load: sales is busy (overflow fires), agent2 is on a call. */
    static QueueLoad load() {
        Map<String, QueueLoad.QueueStatus> queues = new ConcurrentHashMap<>(Map.of(
                "sales", new QueueLoad.QueueStatus(7, 30, 1, 2),
                "support", new QueueLoad.QueueStatus(1, 5, 2, 3)));
        return new QueueLoad() {
            @Override
            public Optional<QueueStatus> status(String queue) {
                return Optional.ofNullable(queues.get(queue));
            }

            @Override
            public Availability agent(String iface) {
                return iface.equals("PJSIP/agent2") ? Availability.BUSY : Availability.AVAILABLE;
            }
        };
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void awaitListening(int port) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        while (System.currentTimeMillis() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                // connected: it listens. This probe is a session without environment; the server drops it.
                return;
            } catch (IOException e) {
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException("asterisk-java AGI server did not start on port " + port);
    }

    private static String loadAverage() {
        return String.format("%.2f (1-min load average)", ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage());
    }

}
