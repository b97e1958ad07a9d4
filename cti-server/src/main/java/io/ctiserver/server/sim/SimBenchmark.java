package io.ctiserver.server.sim;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.server.ami.codec.AmiDecoder;
import io.ctiserver.server.ami.codec.AmiEncoder;
import io.ctiserver.server.bench.BenchCommand;
import io.ctiserver.server.cli.CliArgs;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bench sim}: can the simulator carry a large contact centre in real time? It runs the traffic model at the
 * target load (by default 200 agents in four queues, 20 new calls per second, so that about 500 calls are up at
 * once) with one AMI client logged in and draining every event, and reports how far the engine's timers run
 * behind the wall clock, how busy the engine thread is, and the events per second delivered. The baseline is the
 * same simulator at 1 call per second, measured in the same run.
 */
public final class SimBenchmark implements BenchCommand.Benchmark {

    @Override
    public String summary() {
        return "PBX simulator at scale: engine lag vs wall clock, events/s, with one AMI client draining";
    }

    @Override
    public int run(List<String> args) throws Exception {
        CliArgs a = CliArgs.parse(args, Set.of("rate", "agents", "seconds", "warmup", "handle", "patience", "fast"),
                Set.of());
        double fast = a.getDouble("fast", 10);
        double rate = a.getDouble("rate", 20);
        int agents = a.getInt("agents", 200);
        int seconds = a.getInt("seconds", 30);
        int warmup = a.getInt("warmup", 45);
        double handle = a.getDouble("handle", 18);
        double patience = a.getDouble("patience", 40);
        System.out.printf("bench sim: %d agents, %.1f calls/s, mean handle %.0f s, mean patience %.0f s, "
                + "real time; warm-up %d s, measure %d s%n", agents, rate, handle, patience, warmup, seconds);
        Result base = measure(scaleConfig(agents, 1.0, handle, patience), 5, Math.min(seconds, 10));
        Result load = measure(scaleConfig(agents, rate, handle, patience), warmup, seconds);
        // The same load faster than real time: how much headroom the single engine thread has.
        Result quick = measure(scaleConfig(agents, rate, handle, patience).withTraffic(rate, 42, fast),
                (int) Math.ceil(warmup / fast), Math.max(3, (int) Math.ceil(seconds / fast)));
        System.out.println();
        System.out.printf("%-28s %14s %14s %8s %14s%n", "", "baseline 1/s", String.format("load %.0f/s", rate),
                "ratio", String.format("load x%.0f speed", fast));
        row("calls up at once (mean)", base.meanCalls, load.meanCalls, quick.meanCalls);
        row("calls up at once (max)", base.maxCalls, load.maxCalls, quick.maxCalls);
        row("channels up at once (max)", base.maxChannels, load.maxChannels, quick.maxChannels);
        row("AMI events/s to the client", base.eventsPerSecond, load.eventsPerSecond, quick.eventsPerSecond);
        row("engine busy (% of one core)", base.busyPercent, load.busyPercent, quick.busyPercent);
        row("timer lag mean (ms)", base.lag.meanMs(), load.lag.meanMs(), quick.lag.meanMs());
        row("timer lag p99 (ms, <=)", base.lag.p99Ms(), load.lag.p99Ms(), quick.lag.p99Ms());
        row("timer lag max (ms)", base.lag.maxMs(), load.lag.maxMs(), quick.lag.maxMs());
        row("sim clock drift (ms)", base.driftMs, load.driftMs, quick.driftMs);
        // The engine keeps up when it needs well under one core; lag beyond that comes from the machine (other
        // processes, GC), which the load average printed below helps to judge.
        boolean ok = load.busyPercent < 50 && load.driftMs < 250;
        System.out.printf("%nload average during the run: %.2f on %d cores%n",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors());
        System.out.println(ok ? "KEEPS UP: the engine needs " + String.format("%.1f", load.busyPercent)
                + "% of one core at this load" : "BEHIND: the engine cannot keep up with its clock at this load");
        return ok ? 0 : 1;
    }

    private static void row(String name, double base, double load, double quick) {
        System.out.printf("%-28s %14.2f %14.2f %8s %14.2f%n", name, base, load,
                base > 0 ? String.format("%.1fx", load / base) : "-", quick);
    }

    /** 200 agents by default: half Local, half PJSIP; four queues with the four strategies. */
    public static SimConfig scaleConfig(int agents, double rate, double handle, double patience) {
        String[][] shape = {{"support", "rrmemory", "0.4"}, {"sales", "ringall", "0.1"},
            {"billing", "leastrecent", "0.25"}, {"tech", "fewestcalls", "0.25"}};
        List<SimConfig.QueueConfig> queues = new ArrayList<>();
        int n = 0;
        for (String[] q : shape) {
            int count = (int) Math.round(agents * Double.parseDouble(q[2]));
            List<SimConfig.MemberConfig> members = new ArrayList<>();
            for (int i = 0; i < count; i++, n++) {
                String iface = n % 2 == 0 ? "Local/" + (2000 + n) + "@agents/n" : "PJSIP/agent" + n;
                int penalty = q[1].equals("ringall") ? i % 4 : i % 3 == 0 ? 1 : 0;
                members.add(new SimConfig.MemberConfig(iface, "Agent " + n, penalty, false, "answer",
                        1.0 + (n % 3), 0.9));
            }
            queues.add(new SimConfig.QueueConfig(q[0], q[1], 15, 2, 2, 300, members));
        }
        List<String> customers = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            customers.add(Integer.toString(5550000 + i));
        }
        return SimConfig.demo().withAmiPort(0).withAgi("127.0.0.1", 0, 300).withTraffic(rate, 42, 1.0)
                .withQueues(queues).withCallMix(handle, patience, 0.05, 0.05)
                .withIvrQueues(Map.of("1", "support", "2", "sales", "3", "billing", "4", "tech"))
                .withCustomers(customers, List.of("1", "2", "3", "4"));
    }

    private record Result(double meanCalls, int maxCalls, int maxChannels, double eventsPerSecond,
                          double busyPercent, SimEngine.LagStats lag, double driftMs) {
    }

    private static Result measure(SimConfig cfg, int warmupSeconds, int seconds) throws Exception {
        double speed = cfg.speed();
        PbxSimulator sim = PbxSimulator.start(cfg);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        AtomicLong events = new AtomicLong();
        try {
            Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            c.pipeline().addLast(new AmiDecoder(true), new AmiEncoder(),
                                    new SimpleChannelInboundHandler<Object>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                                            if (msg instanceof AmiMessage m && m.isEvent()) {
                                                events.incrementAndGet();
                                            }
                                        }
                                    });
                        }
                    }).connect("127.0.0.1", sim.amiPort()).sync().channel();
            ch.writeAndFlush(AmiMessage.of("Action", "Login", "Username", "cti", "Secret", "cti"));
            Thread.sleep(warmupSeconds * 1000L);
            sim.resetLag();
            long e0 = events.get();
            long wall0 = System.nanoTime();
            long sim0 = sim.now();
            long sumCalls = 0;
            int maxCalls = 0;
            int maxChannels = 0;
            for (int i = 0; i < seconds; i++) {
                Thread.sleep(1000);
                PbxSimulator.Load l = sim.load();
                sumCalls += l.calls();
                maxCalls = Math.max(maxCalls, l.calls());
                maxChannels = Math.max(maxChannels, l.channels());
            }
            double wallMs = (System.nanoTime() - wall0) / 1e6;
            double simMs = (sim.now() - sim0) / speed;
            SimEngine.LagStats lag = sim.lag();
            double eps = (events.get() - e0) / (wallMs / 1000);
            return new Result((double) sumCalls / seconds, maxCalls, maxChannels, eps,
                    100.0 * lag.busyMs() / wallMs, lag, Math.abs(wallMs - simMs));
        } finally {
            sim.stop();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }
}
