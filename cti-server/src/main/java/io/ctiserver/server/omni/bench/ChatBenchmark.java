package io.ctiserver.server.omni.bench;

import io.ctiserver.contact.Capacity;
import io.ctiserver.contact.CapacityConfig;
import io.ctiserver.contact.Contact;
import io.ctiserver.contact.ContactEvent;
import io.ctiserver.contact.ContactRouter;
import io.ctiserver.contact.Medium;
import io.ctiserver.contact.QueueSettings;
import io.ctiserver.events.AgentState;
import io.ctiserver.events.AgentStateChanged;
import io.ctiserver.events.AgentView;
import io.ctiserver.events.EndedBy;
import io.ctiserver.routing.InMemoryCallHistory;
import io.ctiserver.routing.QueueLoad;
import io.ctiserver.routing.RouteRequest;
import io.ctiserver.routing.Router;
import io.ctiserver.routing.RoutingConfig;
import io.ctiserver.server.bench.BenchCommand;
import io.ctiserver.server.bench.Pacing;
import io.ctiserver.server.cli.CliArgs;
import io.ctiserver.server.gateway.Gateway;
import io.ctiserver.server.gateway.GatewayConfig;
import io.ctiserver.server.gateway.auth.PasswordHash;
import io.ctiserver.server.gateway.auth.UserConfig;
import io.ctiserver.server.omni.OmniConfig;
import io.ctiserver.server.omni.OmniModule;
import io.ctiserver.tracker.Tracker;
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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench chat}: two measurements, each against a baseline of the same run.
 * <ol>
 *   <li>Routing one contact (capacity and blending checks included) among {@code --agents} ready agents carrying
 *       chats, against the voice routing rules ({@link Router#decide}) for one call.</li>
 *   <li>{@code --chats} customer chats and {@code --desktops} agent desktops over real WebSockets (the far side in a
 *       child JVM, see {@link ChatBenchClient}): the latency from a customer's message leaving the customer to the
 *       agent's desktop decoding it, against call events ({@code agent.state}) fanned out to the same desktops at the
 *       same rate at the same time; and the server heap each chat costs.</li>
 * </ol>
 */
public final class ChatBenchmark implements BenchCommand.Benchmark {

    @Override
    public String summary() {
        return "omnichannel: routing among 5,000 agents; 10,000 chats and 1,000 desktops, message latency vs call events";
    }

    @Override
    public int run(List<String> args) throws Exception {
        CliArgs a = CliArgs.parse(args, Set.of("agents", "routes", "chats", "desktops", "rate", "seconds", "warmup",
                "client-heap"), Set.of());
        int agents = a.getInt("agents", 5000);
        int routes = a.getInt("routes", 200_000);
        routing(agents, routes);
        int chats = a.getInt("chats", 10_000);
        int desktops = a.getInt("desktops", 1000);
        if (chats > 0 && desktops > 0) {
            sockets(chats, desktops, a.getInt("rate", 2000), a.getInt("seconds", 10), a.getInt("warmup", 5),
                    a.get("client-heap", "1g"));
        }
        return 0;
    }

    // ---- routing ---------------------------------------------------------------------------------------------------

    private static void routing(int agents, int n) {
        Instant t = Instant.parse("2026-12-03T09:00:00Z");
        ContactRouter r = new ContactRouter(CapacityConfig.defaultConfig(), List.of(QueueSettings.of("support")));
        for (int i = 0; i < agents; i++) {
            r.agentReady("a" + i, null, List.of("support"), t);
        }
        // Agents already busy: one and a half chats each on average, some on a call.
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < agents * 3 / 2; i++) {
            String agent = offered(r.enqueue(contact("pre" + i, t), t));
            r.accept("pre" + i, agent, t);
        }
        for (int i = 0; i < agents / 10; i++) {
            r.voiceBusy("a" + rnd.nextInt(agents), true, t);
        }
        long[] contact = new long[n];
        for (int round = 0; round < 2; round++) { // the first round warms the JIT up
            for (int i = 0; i < n; i++) {
                Contact c = contact("c" + round + "-" + i, t);
                long t0 = System.nanoTime();
                List<ContactEvent> ev = r.enqueue(c, t);
                contact[i] = System.nanoTime() - t0;
                String agent = offered(ev);
                r.accept(c.id(), agent, t);
                r.close(c.id(), agent, EndedBy.AGENT, null, null, t);
            }
        }
        Router voice = new Router(RoutingConfig.defaults(), QueueLoad.unknown(), new InMemoryCallHistory(1000));
        long[] call = new long[n];
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < n; i++) {
                RouteRequest req = new RouteRequest("u" + i, "l" + i, "PJSIP/trunk-" + i, "555" + (1000 + i % 9000),
                        null, "5000", Map.of("IVR_CHOICE", "1"), t);
                long t0 = System.nanoTime();
                voice.decide(req, null, null, t0);
                call[i] = System.nanoTime() - t0;
            }
        }
        Arrays.sort(contact);
        Arrays.sort(call);
        System.out.printf("routing: %d contacts among %d ready agents (~1.5 chats each, 10%% on a call)%n", n, agents);
        System.out.printf("%-34s %9s %9s %9s %9s%n", "", "p50 us", "p99 us", "p99.9 us", "max us");
        System.out.printf("%-34s %9.2f %9.2f %9.2f %9.2f%n", "voice rules, one call (baseline)", us(call, .5),
                us(call, .99), us(call, .999), call[n - 1] / 1000.0);
        System.out.printf("%-34s %9.2f %9.2f %9.2f %9.2f%n", "contact among " + agents + " agents", us(contact, .5),
                us(contact, .99), us(contact, .999), contact[n - 1] / 1000.0);
        System.out.printf("%-34s %8.2fx %8.2fx%n", "  ratio to baseline", us(contact, .5) / us(call, .5),
                us(contact, .99) / us(call, .99));
        System.out.printf("target p99 < 1000 us: %s%n%n", us(contact, .99) < 1000 ? "met" : "NOT met");
    }

    private static Contact contact(String id, Instant t) {
        return new Contact(id, Medium.CHAT, null, "support", null, Map.of(), 0, t);
    }

    private static String offered(List<ContactEvent> ev) {
        for (ContactEvent e : ev) {
            if (e instanceof ContactEvent.Offered o) {
                return o.contact().agent();
            }
        }
        throw new IllegalStateException("not offered: " + ev);
    }

    private static double us(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1000.0;
    }

    // ---- sockets ---------------------------------------------------------------------------------------------------

    private static void sockets(int chats, int desktops, int rate, int seconds, int warmup, String clientHeap)
            throws Exception {
        String hash = PasswordHash.hash("bench".toCharArray(), 1); // tokens are issued directly
        List<UserConfig> users = new ArrayList<>();
        for (int i = 0; i < desktops; i++) {
            users.add(UserConfig.agent("a" + i, hash, iface(i), "Agent " + i));
        }
        GatewayConfig gc = new GatewayConfig("127.0.0.1", 0, null, null, users, 0, null, 0, 16_384, 0, 0, 0, 0,
                100_000, 100_000, 0, "pbx1", null);
        int perAgent = (chats + desktops - 1) / desktops;
        OmniConfig oc = new OmniConfig(true, "support",
                new CapacityConfig(new Capacity(1, perAgent, 5), null, null, perAgent), null, null,
                new OmniConfig.Chat("127.0.0.1", 0, null, null, 100.0, 100, chats + 100, 1e9, null, null, 60),
                null, null, null, null, null);
        Tracker tracker = new Tracker("pbx1");
        OmniModule omni = OmniModule.create(oc);
        System.out.printf("chat: %d chats, %d desktops (%d chats each), %d messages/s and %d call events/s, %d s "
                + "measured after %d s warm-up, max heap %d MiB%n", chats, desktops, perAgent, rate, rate, seconds,
                warmup, Runtime.getRuntime().maxMemory() >> 20);
        try (Gateway gw = omni.addTo(Gateway.builder().config(gc).stateView(tracker.view())).build().start()) {
            omni.start(gw, pbx -> null, tracker.view());
            Path tokens = Files.createTempFile("bench-chat-tokens", ".txt");
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < desktops; i++) {
                lines.add(gw.issueToken("a" + i).token());
            }
            Files.write(tokens, lines);
            String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
            Process child = new ProcessBuilder(java, "-Xms" + clientHeap, "-Xmx" + clientHeap, "-XX:+UseParallelGC",
                    "-cp", System.getProperty("java.class.path"), ChatBenchClient.class.getName(),
                    Integer.toString(gw.port()), Integer.toString(omni.chatPort()), tokens.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
                 PrintWriter in = new PrintWriter(child.getOutputStream(), true, StandardCharsets.UTF_8)) {
                System.out.println("  " + expect(out, "DESKTOPS "));
                long before = usedAfterGc();
                in.println("CUSTOMERS " + chats);
                String accepted = expect(out, "CHATS ");
                System.out.println("  " + accepted);
                long after = usedAfterGc();
                int n = Integer.parseInt(accepted.split(" ")[1]);
                in.println("LOAD " + rate + " " + warmup);
                callLoad(gw, desktops, rate, warmup);
                expect(out, "LOADED");
                in.println("RESET");
                in.println("LOAD " + rate + " " + seconds);
                callLoad(gw, desktops, rate, seconds);
                expect(out, "LOADED");
                Thread.sleep(300);
                in.println("REPORT");
                String[] r = expect(out, "RESULT ").split(" ");
                in.println("QUIT");
                child.waitFor(30, TimeUnit.SECONDS);
                long[] chat = {Long.parseLong(r[2]), Long.parseLong(r[3]), Long.parseLong(r[4]), Long.parseLong(r[5]),
                        Long.parseLong(r[6])};
                long[] call = {Long.parseLong(r[8]), Long.parseLong(r[9]), Long.parseLong(r[10]),
                        Long.parseLong(r[11]), Long.parseLong(r[12])};
                System.out.println();
                System.out.printf("%-38s %9s %9s %9s %9s %9s%n", "", "samples", "p50 us", "p99 us", "p99.9 us",
                        "max us");
                System.out.printf("%-38s %9d %9d %9d %9d %9d%n", "call events to desktops (baseline)", call[0],
                        call[1], call[2], call[3], call[4]);
                System.out.printf("%-38s %9d %9d %9d %9d %9d%n", "customer message to agent desktop", chat[0],
                        chat[1], chat[2], chat[3], chat[4]);
                System.out.printf("%-38s %9s %8.2fx %8.2fx %8.2fx%n", "  ratio to baseline", "",
                        (double) chat[1] / Math.max(1, call[1]), (double) chat[2] / Math.max(1, call[2]),
                        (double) chat[3] / Math.max(1, call[3]));
                System.out.printf("%nheap: %d MiB used after GC with the desktops, %d MiB with %d chats as well: "
                        + "%d bytes per chat (connection, conversation, routing)%n", before >> 20, after >> 20, n,
                        n == 0 ? 0 : (after - before) / n);
                System.out.printf("target p99 < 5000 us with %d chats: %s (p99 %d us)%n", n,
                        chat[2] < 5000 && n == chats ? "met" : "NOT met", chat[2]);
            } finally {
                child.destroy();
                Files.deleteIfExists(tokens);
            }
        } finally {
            omni.close();
        }
    }

    /** The tracker's part: {@code rate} agent-state events per second for random desktops' agents. */
    private static void callLoad(Gateway gw, int n, int rate, int seconds) {
        SplittableRandom rnd = new SplittableRandom(42);
        Instant since = Instant.now();
        Pacing.paced(rate, seconds, () -> {
            int i = rnd.nextInt(n);
            AgentView agent = new AgentView("pbx1", iface(i), "Agent " + i, AgentState.PAUSED,
                    "bench-" + System.nanoTime(), List.of(), null, since);
            gw.onEvent(new AgentStateChanged("pbx1", since, agent, AgentState.AVAILABLE));
        });
    }

    private static String expect(BufferedReader out, String prefix) throws java.io.IOException {
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(prefix)) {
                return line;
            }
            System.out.println("  client: " + line);
        }
        throw new IllegalStateException("the bench client ended before '" + prefix + "'");
    }

    private static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static String iface(int i) {
        return "PJSIP/agent" + i;
    }
}
