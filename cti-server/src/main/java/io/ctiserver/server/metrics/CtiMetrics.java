package io.ctiserver.server.metrics;

import io.ctiserver.ami.AmiActionException;
import io.ctiserver.ami.AmiActionSender;
import io.ctiserver.ami.AmiLinkState;
import io.ctiserver.ami.AmiListener;
import io.ctiserver.ami.AmiMessage;
import io.ctiserver.ami.AmiResponse;
import io.ctiserver.kpi.KpiSnapshot;
import io.ctiserver.routing.RouteDecision;
import io.ctiserver.routing.RouteDecisionListener;
import io.ctiserver.server.agi.AgiObserver;
import io.ctiserver.server.ami.AmiClient;
import io.ctiserver.server.gateway.events.EventFanout;
import io.ctiserver.server.gateway.session.DesktopSession;
import io.ctiserver.server.gateway.session.SessionRegistry;
import io.ctiserver.server.webhooks.WebhookDispatcher;
import io.ctiserver.server.webhooks.WebhooksConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The server's Prometheus metrics (Micrometer). Components are not changed to count: the wiring hands each one a
 * hook made here (a listener that counts and passes on, a sender that times, an observer), or binds gauges to the
 * getters it already has. The metric names and what each is for are in {@code docs/operations.md}.
 *
 * <p>Every label value comes from the configuration (PBX ids, queue names, users, AMI action names the server sends,
 * routing outcomes), never from traffic (no caller numbers, no channel names), so the series count is bounded.
 */
public final class CtiMetrics implements AutoCloseable {

    /** Routing outcome labels, most specific first; see {@link #outcome}. */
    static final List<String> OUTCOMES = List.of("fallback", "after_hours", "overflow", "vip_agent_first", "vip",
            "last_agent", "skill", "default");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final List<Runnable> beforeScrape = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<String, Counter> routingOutcomes = new HashMap<>();
    private final Counter routingFallbacks;
    private final Timer routeLatency;

    public CtiMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        for (String o : OUTCOMES) {
            routingOutcomes.put(o, Counter.builder("cti.routing.decisions").tag("outcome", o)
                    .description("routing decisions by the rule that chose the queue").register(registry));
        }
        routingFallbacks = Counter.builder("cti.routing.fallbacks")
                .description("routing decisions that fell back to the default queue (deadline passed or error)")
                .register(registry);
        routeLatency = Timer.builder("cti.routing.latency")
                .description("time to decide a route, customer lookup included")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(2))
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition; keyed gauges (queues, users) are refreshed first. */
    public synchronized String scrape() {
        beforeScrape.forEach(Runnable::run);
        return registry.scrape();
    }

    // ---- AMI ----------------------------------------------------------------------------------------------------

    /**
     * Hook: the listener to give the AMI client of {@code pbx} in place of {@code tracker}. It counts each message
     * ({@code cti_ami_events_total}) and its ingest lag, from the socket read to the consumer thread
     * ({@code cti_ami_ingest_lag_seconds}), counts reconnects, then passes everything on unchanged, on the same thread.
     */
    public AmiListener amiListener(String pbx, AmiListener tracker) {
        Counter events = Counter.builder("cti.ami.events").tag("pbx", pbx)
                .description("AMI events received from the PBX").register(registry);
        Timer lag = Timer.builder("cti.ami.ingest.lag").tag("pbx", pbx)
                .description("time from the socket read to the state tracker")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        Counter reconnects = Counter.builder("cti.ami.reconnects").tag("pbx", pbx)
                .description("logins after the first one: the link was lost and came back").register(registry);
        Counter disconnects = Counter.builder("cti.ami.disconnects").tag("pbx", pbx)
                .description("times the link went down").register(registry);
        return new AmiListener() {
            private boolean loggedInBefore;

            @Override
            public void onMessage(AmiMessage message) {
                events.increment();
                long received = message.receivedAt();
                if (received > 0) {
                    lag.record(Math.max(0, System.currentTimeMillis() - received), TimeUnit.MILLISECONDS);
                }
                tracker.onMessage(message);
            }

            @Override
            public void onLinkState(String id, AmiLinkState state, String detail) {
                if (state == AmiLinkState.CONNECTED) {
                    if (loggedInBefore) {
                        reconnects.increment();
                    }
                    loggedInBefore = true;
                } else if (state == AmiLinkState.DISCONNECTED) {
                    disconnects.increment();
                }
                tracker.onLinkState(id, state, detail);
            }
        };
    }

    /** Hook: gauges read from the client's getters: link state, queued messages, pending actions, pauses, logins. */
    public void bindAmiClient(AmiClient client) {
        String pbx = client.pbx();
        Gauge.builder("cti.ami.link.up", client, c -> up(c.state()) ? 1 : 0).tag("pbx", pbx)
                .description("1 when the AMI link is logged in, else 0").register(registry);
        for (AmiLinkState s : AmiLinkState.values()) {
            Gauge.builder("cti.ami.link.state", client, c -> c.state() == s ? 1 : 0).tag("pbx", pbx)
                    .tag("state", s.name().toLowerCase(java.util.Locale.ROOT))
                    .description("1 for the link's current state").register(registry);
        }
        Gauge.builder("cti.ami.queued.messages", client, AmiClient::queuedMessages).tag("pbx", pbx)
                .description("AMI messages waiting for the state tracker").register(registry);
        Gauge.builder("cti.ami.pending.actions", client, AmiClient::pendingActions).tag("pbx", pbx)
                .description("AMI actions sent and not answered yet").register(registry);
        FunctionCounter.builder("cti.ami.backpressure.pauses", client, AmiClient::backpressurePauses).tag("pbx", pbx)
                .description("times a full queue stopped reading from the PBX").register(registry);
        FunctionCounter.builder("cti.ami.login.attempts", client, AmiClient::loginAttempts).tag("pbx", pbx)
                .description("Login actions sent").register(registry);
    }

    static boolean up(AmiLinkState s) {
        return s == AmiLinkState.CONNECTED || s == AmiLinkState.FULLY_BOOTED;
    }

    /**
     * Hook: {@code sender} with each action timed by its name and outcome ({@code cti_ami_action_latency_seconds},
     * outcome {@code success}, {@code error} for Response: Error, or the {@link AmiActionException} reason).
     */
    public AmiActionSender timed(String pbx, AmiActionSender sender) {
        Map<String, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();
        return action -> {
            long start = System.nanoTime();
            CompletableFuture<AmiResponse> f = sender.send(action);
            f.whenComplete((r, e) -> {
                String outcome = e != null ? failure(e) : r.isSuccess() ? "success" : "error";
                String name = action.action() == null ? "unknown" : action.action();
                timers.computeIfAbsent(name + "|" + outcome, k -> Timer.builder("cti.ami.action.latency")
                                .tag("pbx", pbx).tag("action", name).tag("outcome", outcome)
                                .description("time from sending an AMI action to its complete answer")
                                .publishPercentileHistogram()
                                .minimumExpectedValue(Duration.ofMillis(1))
                                .maximumExpectedValue(Duration.ofSeconds(30))
                                .register(registry))
                        .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            });
            return f;
        };
    }

    private static String failure(Throwable e) {
        Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        return t instanceof AmiActionException a ? a.reason().name().toLowerCase(java.util.Locale.ROOT) : "failed";
    }

    // ---- desktops -----------------------------------------------------------------------------------------------

    /** Hook: desktop sessions and their outbound queues, events dropped by the fan-out, connections cut. */
    public void bindGateway(SessionRegistry sessions, EventFanout fanout) {
        Gauge.builder("cti.desktops.connected", sessions, s -> s.all().stream().filter(DesktopSession::attached)
                .count()).description("desktop sessions with a live WebSocket").register(registry);
        Gauge.builder("cti.desktop.sessions", sessions, SessionRegistry::size)
                .description("desktop sessions, resumable ones included").register(registry);
        FunctionCounter.builder("cti.desktop.events.dropped", fanout, EventFanout::dropped)
                .description("events the gateway's inbox could not take (every desktop is then resynced)")
                .register(registry);
        FunctionCounter.builder("cti.desktop.events.dispatched", fanout, EventFanout::dispatched)
                .description("events dispatched to desktops").register(registry);
        FunctionCounter.builder("cti.desktop.events.coalesced", fanout, EventFanout::coalesced)
                .description("snapshot events (queue.stats, kpi, presence) left out of the gateway's inbox because a "
                        + "later one of the same key came first").register(registry);
        Gauge.builder("cti.desktop.inbox.events", fanout, EventFanout::inboxEvents)
                .description("events waiting for the gateway's fan-out thread").register(registry);
        Gauge.builder("cti.desktop.inbox.pending", fanout, EventFanout::inboxBytes)
                .description("estimated bytes of the events waiting for the gateway's fan-out thread")
                .baseUnit("bytes").register(registry);
        Gauge.builder("cti.desktop.inbox.budget", fanout, EventFanout::inboxBudgetBytes)
                .description("the gateway inbox's byte budget: beyond it (or 65,536 events) events are dropped and "
                        + "every desktop resynced").baseUnit("bytes").register(registry);
        FunctionCounter.builder("cti.desktop.sessions.cut", sessions, SessionRegistry::slowConsumerCuts)
                .description("WebSocket connections closed because the desktop did not read (close code 1008)")
                .register(registry);
        Gauge.builder("cti.desktop.outbound.pending", sessions, s -> s.outboundBudget().pendingBytes())
                .description("bytes written to desktop connections and not yet on their sockets, all desktops "
                        + "together (direct memory)").baseUnit("bytes").register(registry);
        Gauge.builder("cti.desktop.outbound.budget", sessions, s -> s.outboundBudget().limitBytes())
                .description("gateway.outboundBudgetBytes: beyond it the desktops holding the most are closed")
                .baseUnit("bytes").register(registry);
        FunctionCounter.builder("cti.desktop.sessions.cut.budget", sessions, s -> s.outboundBudget().cuts())
                .description("WebSocket connections closed because the desktops' outbound budget ran out (also "
                        + "counted in cti_desktop_sessions_cut)").register(registry);
        KeyedGauges depth = new KeyedGauges(registry, "cti.desktop.outbound.frames", "user",
                "frames waiting to be written to the user's busiest desktop connection", "frames");
        beforeScrape.add(() -> {
            Map<String, Double> byUser = new HashMap<>();
            for (DesktopSession s : sessions.all()) {
                byUser.merge(s.user().username(), (double) s.pendingFrames(), Math::max);
            }
            depth.update(byUser);
        });
    }

    // ---- FastAGI and routing ------------------------------------------------------------------------------------

    /** Hook: counts FastAGI connections and script sessions; give it to {@code FastAgiServer.observe}. */
    public AgiObserver agiObserver() {
        AtomicInteger open = new AtomicInteger();
        AtomicInteger running = new AtomicInteger();
        Gauge.builder("cti.agi.connections.active", open, AtomicInteger::get)
                .description("FastAGI connections open").register(registry);
        Gauge.builder("cti.agi.sessions.active", running, AtomicInteger::get)
                .description("FastAGI scripts running").register(registry);
        Map<String, Counter> counters = new java.util.concurrent.ConcurrentHashMap<>();
        return new AgiObserver() {
            @Override
            public void connectionOpened() {
                open.incrementAndGet();
            }

            @Override
            public void connectionClosed() {
                open.decrementAndGet();
            }

            @Override
            public void sessionStarted(String script) {
                running.incrementAndGet();
            }

            @Override
            public void sessionEnded(String script, boolean ok) {
                running.decrementAndGet();
                String outcome = ok ? "ok" : "failed";
                counters.computeIfAbsent(script + "|" + outcome, k -> Counter.builder("cti.agi.sessions")
                        .tag("script", script).tag("outcome", outcome)
                        .description("FastAGI script sessions ended").register(registry)).increment();
            }
        };
    }

    /** Hook: a listener for every routing decision (add it to the {@code RouteDecisionRegistry}). */
    public RouteDecisionListener routingListener() {
        return d -> {
            routingOutcomes.get(outcome(d)).increment();
            if (d.fallback()) {
                routingFallbacks.increment();
            }
            routeLatency.record(d.elapsedMicros(), TimeUnit.MICROSECONDS);
        };
    }

    /** The rule that chose the queue, from the decision's reasons (the sentences {@code Router} writes). */
    static String outcome(RouteDecision d) {
        if (d.fallback()) {
            return "fallback";
        }
        String all = String.join("\n", d.reasons());
        if (all.contains("after-hours queue")) {
            return "after_hours";
        }
        if (all.contains("overflow: ")) {
            return "overflow";
        }
        if (d.vip()) {
            return d.agentInterface() != null ? "vip_agent_first" : "vip";
        }
        if (d.agentInterface() != null) {
            return "last_agent";
        }
        return all.contains("skill rule ") && !all.contains("no skill rule matched") ? "skill" : "default";
    }

    // ---- webhooks -----------------------------------------------------------------------------------------------

    /** Hook: each subscription's deliveries, failed tries, give-ups, refusals and queue. */
    public void bindWebhooks(WebhookDispatcher webhooks) {
        for (WebhooksConfig.Subscription s : webhooks.subscriptions()) {
            WebhookDispatcher.Stats st = webhooks.stats(s.name());
            FunctionCounter.builder("cti.webhook.delivered", st, WebhookDispatcher.Stats::delivered)
                    .tag("subscription", s.name()).description("webhook deliveries accepted (2xx)")
                    .register(registry);
            FunctionCounter.builder("cti.webhook.failed.attempts", st, WebhookDispatcher.Stats::failedAttempts)
                    .tag("subscription", s.name()).description("webhook tries that failed (then retried or given up)")
                    .register(registry);
            FunctionCounter.builder("cti.webhook.gave.up", st, WebhookDispatcher.Stats::gaveUp)
                    .tag("subscription", s.name()).description("webhook deliveries given up after the last try")
                    .register(registry);
            FunctionCounter.builder("cti.webhook.rejected", st, WebhookDispatcher.Stats::rejected)
                    .tag("subscription", s.name()).description("events refused because the webhook queue was full")
                    .register(registry);
            Gauge.builder("cti.webhook.queued", webhooks, w -> w.queued(s.name())).tag("subscription", s.name())
                    .description("webhook deliveries waiting").register(registry);
        }
    }

    // ---- KPIs ---------------------------------------------------------------------------------------------------

    /** Hook: per-queue figures from the KPI engine's latest snapshot, read at each scrape. */
    public void bindKpis(Supplier<KpiSnapshot> snapshots) {
        KeyedGauges waiting = new KeyedGauges(registry, "cti.queue.waiting", "queue", "callers waiting now", "calls");
        KeyedGauges longest = new KeyedGauges(registry, "cti.queue.longest.wait", "queue",
                "the longest current wait", "seconds");
        KeyedGauges sl = new KeyedGauges(registry, "cti.queue.service.level", "queue",
                "service level over the KPI window (NaN before the first call)", "percent");
        KeyedGauges offered = new KeyedGauges(registry, "cti.queue.offered", "queue",
                "calls offered over the KPI window", "calls");
        KeyedGauges abandoned = new KeyedGauges(registry, "cti.queue.abandoned", "queue",
                "calls abandoned over the KPI window", "calls");
        KeyedGauges asa = new KeyedGauges(registry, "cti.queue.asa", "queue",
                "average speed of answer over the KPI window (NaN before the first answer)", "seconds");
        beforeScrape.add(() -> {
            KpiSnapshot s = snapshots.get();
            if (s == null) {
                return;
            }
            Map<String, Double> w = new HashMap<>();
            Map<String, Double> l = new HashMap<>();
            Map<String, Double> level = new HashMap<>();
            Map<String, Double> o = new HashMap<>();
            Map<String, Double> a = new HashMap<>();
            Map<String, Double> speed = new HashMap<>();
            for (KpiSnapshot.QueueKpis q : s.queues()) {
                w.put(q.queue(), (double) q.waitingCalls());
                l.put(q.queue(), (double) q.longestWaitSeconds());
                level.put(q.queue(), orNaN(q.window().serviceLevelPercent()));
                o.put(q.queue(), (double) q.window().offered());
                a.put(q.queue(), (double) q.window().abandoned());
                speed.put(q.queue(), orNaN(q.window().asaSeconds()));
            }
            waiting.update(w);
            longest.update(l);
            sl.update(level);
            offered.update(o);
            abandoned.update(a);
            asa.update(speed);
        });
    }

    private static double orNaN(Double d) {
        return d == null ? Double.NaN : d;
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
