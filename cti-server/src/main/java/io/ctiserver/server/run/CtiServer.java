package io.ctiserver.server.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ctiserver.ami.AmiListeners;
import io.ctiserver.ami.AmiActionSender;
import io.ctiserver.ami.AmiListener;
import io.ctiserver.events.CallView;
import io.ctiserver.events.CtiStateView;
import io.ctiserver.kpi.KpiConfig;
import io.ctiserver.kpi.KpiEngine;
import io.ctiserver.presence.CombinedPresenceView;
import io.ctiserver.presence.PresenceResync;
import io.ctiserver.presence.PresenceTracker;
import io.ctiserver.presence.PresenceView;
import io.ctiserver.routing.Customer;
import io.ctiserver.routing.InMemoryCallHistory;
import io.ctiserver.routing.RouteDecision;
import io.ctiserver.routing.RouteDecisionRegistry;
import io.ctiserver.routing.StateViewQueueLoad;
import io.ctiserver.server.agi.FastAgi;
import io.ctiserver.server.ami.AmiClient;
import io.ctiserver.server.ami.AmiClientConfig;
import io.ctiserver.server.ami.PbxConfig;
import io.ctiserver.server.config.AgentsInQueuesCheck;
import io.ctiserver.server.config.ServerConfig;
import io.ctiserver.server.gateway.CustomerLookup;
import io.ctiserver.server.gateway.Gateway;
import io.ctiserver.server.gateway.GatewayConfig;
import io.ctiserver.server.gateway.commands.phone.PhonesConfig;
import io.ctiserver.server.metrics.AmiLinkReadiness;
import io.ctiserver.server.metrics.CtiMetrics;
import io.ctiserver.server.metrics.FastAgiReadiness;
import io.ctiserver.server.metrics.MetricsConfig;
import io.ctiserver.server.metrics.Readiness;
import io.ctiserver.server.metrics.ServerOperations;
import io.ctiserver.server.omni.OmniConfig;
import io.ctiserver.server.omni.OmniModule;
import io.ctiserver.server.gateway.StoredData;
import io.ctiserver.server.sim.PbxSimulator;
import io.ctiserver.server.webhooks.WebhookDispatcher;
import io.ctiserver.server.webhooks.WebhooksConfig;
import io.ctiserver.server.sim.SimConfig;
import io.ctiserver.server.storage.RowsFrom;
import io.ctiserver.server.storage.Storage;
import io.ctiserver.server.storage.StorageApi;
import io.ctiserver.server.storage.StorageConfig;
import io.ctiserver.server.storage.StorageWarmUp;
import io.ctiserver.tracker.Resync;
import io.ctiserver.tracker.Tracker;
import io.ctiserver.tracker.TrackerOptions;
import io.ctiserver.server.wrapup.WrapUp;
import io.ctiserver.server.wrapup.WrapUpConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole server assembled from its config: for each PBX an AMI client feeding its state tracker; the FastAGI
 * routing server, which reads live queue load from the trackers and learns last agents from their call records; the
 * desktop gateway, which receives the trackers' events and sends call control through the AMI clients. In demo mode
 * (the {@code sim} section enabled) a PBX simulator runs in the same process and is the PBX {@value #DEMO_PBX}.
 *
 * <p>Start order matters: FastAGI first (the simulator's dialplan calls it), then the simulator, then the AMI
 * links, whose first connect triggers each tracker's resync.
 */
public final class CtiServer implements AutoCloseable {

    public static final String DEMO_PBX = "demo";

    private static final Logger log = LoggerFactory.getLogger(CtiServer.class);
    private static final ObjectMapper JSON = ServerConfig.mapper();

    private final Map<String, PbxLink> links = new LinkedHashMap<>();
    /** Each PBX's action sender as call control uses it: the AMI client, timed when metrics are on. */
    private final Map<String, AmiActionSender> senders = new LinkedHashMap<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<PresenceTracker> presenceTrackers = new ArrayList<>();
    private CtiStateView state;
    private PbxSimulator simulator;
    private FastAgi agi;
    private KpiEngine kpis;
    private InetSocketAddress agiAddress;
    private Gateway gateway;
    private CtiMetrics metrics;
    private WebhookDispatcher webhooks;
    private final Readiness readiness = new Readiness();
    private OmniModule omni;
    private Storage storage;
    private StorageApi storageApi;

    private CtiServer() {
    }

    public static CtiServer start(ServerConfig config) throws Exception {
        CtiServer server = new CtiServer();
        try {
            server.startAll(config);
            return server;
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
    }

    private void startAll(ServerConfig config) throws Exception {
        SimConfig sim = config.section("sim", SimConfig.class, null);
        boolean demo = sim != null && !Boolean.FALSE.equals(sim.enabled());
        List<PbxConfig> pbxs = new ArrayList<>(
                config.section(AmiClientConfig.SECTION, AmiClientConfig.class, AmiClientConfig.none()).servers());

        List<Tracker> trackers = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        pbxs.forEach(p -> ids.add(p.id()));
        if (demo && pbxs.isEmpty()) {
            ids.add(DEMO_PBX);
        }
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("nothing to connect to: the config lists no pbx.servers and the "
                    + "simulator is not enabled");
        }
        WrapUpConfig wrapUp = config.section(WrapUpConfig.SECTION, WrapUpConfig.class, WrapUpConfig.off());
        TrackerOptions trackerOptions = TrackerOptions.defaults().withWrapUpReason(wrapUp.reason());
        ids.forEach(id -> trackers.add(new Tracker(id, trackerOptions)));
        MetricsConfig metricsConfig = config.section("metrics", MetricsConfig.class, MetricsConfig.defaults());
        if (metricsConfig.enabled()) {
            metrics = new CtiMetrics();
            closeables.add(metrics);
        }
        state = new CombinedStateView(trackers.stream().map(Tracker::view).toList());

        InMemoryCallHistory history = new InMemoryCallHistory(100_000);
        // A fan-out only: the screen pop needs the customer, which RoutedCustomers keeps for far less memory.
        RouteDecisionRegistry decisions = new RouteDecisionRegistry(0);
        RoutedCustomers routedCustomers = new RoutedCustomers(30_000);
        decisions.addListener(routedCustomers);
        StorageConfig storageConfig = config.section(StorageConfig.SECTION, StorageConfig.class,
                StorageConfig.defaults()).withDefaults();
        if (storageConfig.enabled()) {
            // started first, closed last: it drains what the others hand it while they stop
            storage = Storage.start(storageConfig);
            closeables.add(storage);
            // Chats and emails in the stored reports, set before the aggregator first runs: their thresholds are the
            // live KPIs' (omni.kpi), and a contact's agent (a username) counts under the user's interface.
            OmniConfig omni = config.section("omni", OmniConfig.class, null);
            if (omni != null && omni.enabled()) {
                storage.aggregator().contactThresholds(omni.kpi());
            }
            storage.aggregator().contactAgents(agentsByUsername(
                    config.section("gateway", GatewayConfig.class, GatewayConfig.defaults())));
            storageApi = new StorageApi(storage);
            readiness.add(new io.ctiserver.server.storage.StorageReadiness(storage));
            closeables.add(storageApi);
            StorageWarmUp.lastAgents(storage, history);
            trackers.forEach(t -> t.addListener(storage.listener()));
            trackers.forEach(t -> t.addListener(storageApi));
            decisions.addListener(d -> storage.offer(RowsFrom.route(d)));
        }
        trackers.forEach(t -> t.addListener(history));
        kpis = new KpiEngine(config.section("kpi", KpiConfig.class, KpiConfig.defaults()).toSettings());
        if (storage != null) {
            StorageWarmUp.repeatCallers(storage, kpis);
            storage.aggregator().repeatWindow(kpis.settings().repeatCallWindow()); // the reports count repeats alike
        }
        trackers.forEach(t -> t.addListener(kpis));
        agi = FastAgi.create(config, new StateViewQueueLoad(state, Clock.systemUTC()), history, decisions,
                r -> {
                    kpis.recordSurvey(r.callId(), r.agentInterface(), r.score());
                    if (storage != null) {
                        storage.offer(RowsFrom.survey(r));
                    }
                });
        closeables.add(agi);
        if (metrics != null) {
            agi.server().observe(metrics.agiObserver());
            decisions.addListener(metrics.routingListener());
            metrics.bindKpis(kpis::snapshot);
        }
        agiAddress = agi.start();
        readiness.add(new FastAgiReadiness(agi.server()));

        if (demo) {
            SimConfig effective = sim.withDefaults().withAgi("127.0.0.1", agiAddress.getPort(),
                    sim.withDefaults().agiTimeoutMs());
            simulator = PbxSimulator.start(effective);
            closeables.add(simulator);
            if (pbxs.isEmpty()) {
                SimConfig.User user = effective.users().get(0);
                pbxs.add(PbxConfig.of(DEMO_PBX, "127.0.0.1", simulator.amiPort(), user.name(), user.secret()));
            }
            log.info("demo mode: PBX simulator on AMI port {}", simulator.amiPort());
        }

        EventLoopGroup amiGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        closeables.add(() -> amiGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(5_000));
        for (int i = 0; i < pbxs.size(); i++) {
            Tracker tracker = trackers.get(i);
            PresenceTracker presence = new PresenceTracker(tracker.pbx());
            AmiListener both = AmiListeners.both(tracker, presence);
            AmiListener listener = metrics == null ? both : metrics.amiListener(tracker.pbx(), both);
            AmiClient client = new AmiClient(pbxs.get(i), listener, amiGroup);
            AmiActionSender sender = metrics == null ? client : metrics.timed(tracker.pbx(), client);
            if (metrics != null) {
                metrics.bindAmiClient(client);
            }
            readiness.add(new AmiLinkReadiness(client));
            tracker.onResyncNeeded(new Resync(tracker, sender, client.pbxExecutor())::start);
            presence.onSnapshotNeeded(new PresenceResync(presence, sender, client.pbxExecutor(),
                    System::currentTimeMillis)::start);
            presenceTrackers.add(presence);
            links.put(tracker.pbx(), new PbxLink(tracker.pbx(), client, tracker));
            senders.put(tracker.pbx(), sender);
            closeables.add(client);
        }

        GatewayConfig gatewayConfig = config.section("gateway", GatewayConfig.class, GatewayConfig.defaults());
        if (!links.containsKey(gatewayConfig.defaultPbx())) {
            log.warn("gateway.defaultPbx '{}' is not a configured PBX ({}): users without a 'pbx' cannot act",
                    gatewayConfig.defaultPbx(), links.keySet());
        }
        ServerReports reports = new ServerReports(kpis, agi.dryRun(), agi.routingConfig());
        closeables.add(reports);
        OmniConfig omniConfig = config.section("omni", OmniConfig.class, null);
        OmniModule omniModule = omniConfig != null && omniConfig.enabled()
                ? OmniModule.create(omniConfig, storage == null ? null : storage.contacts(), kpis.settings()) : null;
        if (omniModule != null && storage != null) {
            // the time agents hold chats and emails, for the stored occupancy per medium
            omniModule.service().loadListener(new io.ctiserver.server.storage.AgentMediaListener(storage::offer));
        }

        Gateway.Builder gatewayBuilder = Gateway.builder()
                .config(gatewayConfig)
                .stateView(state)
                .actionSenders(senders::get)
                .customerLookup(customers(routedCustomers))
                .callDataSink((pbx, callId, data) -> {
                    PbxLink link = links.get(pbx);
                    return link == null ? java.util.concurrent.CompletableFuture.completedFuture(false)
                            : link.attachData(callId, data);
                })
                .reports(reports)
                .phones(config.section("phones", PhonesConfig.class, PhonesConfig.defaults()))
                .presence(presence())
                .operations(new ServerOperations(metrics, metricsConfig, readiness))
                .storedData(storageApi == null ? StoredData.NONE : storageApi);
        if (omniModule != null) {
            omniModule.addTo(gatewayBuilder);
        }
        gateway = gatewayBuilder.build().start();
        closeables.add(gateway);
        if (metrics != null) {
            metrics.bindGateway(gateway.sessions(), gateway.fanout());
        }
        WebhooksConfig hooks = config.section("webhooks", WebhooksConfig.class, WebhooksConfig.none());
        if (!hooks.subscriptions().isEmpty()) {
            webhooks = new WebhookDispatcher(hooks);
            closeables.add(webhooks);
            gateway.fanout().addTap(webhooks);
            if (metrics != null) {
                metrics.bindWebhooks(webhooks);
            }
        }
        if (omniModule != null) {
            closeables.add(omniModule);
            // Voice pauses for chat (busy:chat) go through the same, timed, action sender as call control.
            omni = omniModule.start(gateway, senders::get, state);
            trackers.forEach(t -> t.addListener(omniModule.service()));
        }
        if (wrapUp.enabled()) {
            ScheduledThreadPoolExecutor wrapUpThread = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "wrap-up");
                t.setDaemon(true);
                return t;
            });
            wrapUpThread.setRemoveOnCancelPolicy(true);
            closeables.add(wrapUpThread::shutdownNow);
            links.values().forEach(l -> l.tracker().addListener(
                    new WrapUp(l.id(), wrapUp, senders.get(l.id()), wrapUpThread)));
        }
        trackers.forEach(t -> t.addListener(gateway));
        presenceTrackers.forEach(p -> p.addListener(gateway));
        links.values().forEach(l -> l.tracker().addListener(AgentsInQueuesCheck.afterResync(gatewayConfig.users(),
                gatewayConfig.defaultPbx(), state, l.client().pbxExecutor())));
        gateway.dispositions().addListener(d -> kpis.recordDisposition(d.callId(), d.resolved()));
        if (storage != null) {
            gateway.dispositions().addListener(d -> storage.offer(RowsFrom.disposition(d)));
            gateway.audit().addListener(e -> storage.offer(RowsFrom.audit(e)));
        }

        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tracker-tick");
            t.setDaemon(true);
            return t;
        });
        closeables.add(ticker::shutdownNow);
        ticker.scheduleAtFixedRate(() -> {
            long now = System.currentTimeMillis();
            links.values().forEach(l -> l.tick(now));
            kpis.tick(java.time.Instant.ofEpochMilli(now));
        }, 1, 1, TimeUnit.SECONDS);

        links.values().forEach(l -> l.client().start());
        log.info("CTI server up: PBX {} | FastAGI :{} | desktops http://localhost:{}/", links.keySet(),
                agiAddress.getPort(), gateway.port());
    }

    /** Username to (pbx, interface) of the users with an interface: whose calls a chat's agent shares. */
    private static java.util.function.Function<String, List<String>> agentsByUsername(GatewayConfig g) {
        Map<String, List<String>> byName = new java.util.HashMap<>();
        g.users().forEach(u -> {
            if (u.iface() != null && !u.iface().isBlank()) {
                byName.put(u.username(), List.of(u.pbx() != null ? u.pbx() : g.defaultPbx(), u.iface()));
            }
        });
        return byName::get;
    }

    /**
     * The screen pop's customer record: the one routing found for this call (by call id or Linkedid), else what
     * routing left on the call as {@code CTI_CUSTOMER_*} data.
     */
    private static CustomerLookup customers(RoutedCustomers routed) {
        return call -> {
            Optional<Customer> c = customer(routed, call);
            if (c.isPresent()) {
                @SuppressWarnings("unchecked")
                Map<String, Object> record = JSON.convertValue(c.get(), Map.class);
                return record;
            }
            return CustomerLookup.FROM_CALL_DATA.lookup(call);
        };
    }

    private static Optional<Customer> customer(RoutedCustomers routed, CallView call) {
        String routedId = call.data().get(RouteDecision.CTI_CALL_ID);
        for (String id : new String[] {routedId, call.callId(), call.linkedId()}) {
            if (id != null && !id.isEmpty()) {
                Optional<Customer> c = routed.find(id);
                if (c.isPresent()) {
                    return c;
                }
            }
        }
        return Optional.empty();
    }

    public CtiStateView state() {
        return state;
    }

    /** Every PBX's phone and extension presence. */
    public PresenceView presence() {
        return new CombinedPresenceView(presenceTrackers);
    }

    /** The omnichannel module (chat, email, contact routing), or null when the {@code omni} section is absent. */
    public OmniModule omni() {
        return omni;
    }

    public Gateway gateway() {
        return gateway;
    }

    /** Live KPIs of every PBX, computed from the trackers' events. */
    public KpiEngine kpis() {
        return kpis;
    }

    /** The database and its journal, or null with {@code storage.enabled: false}. */
    public Storage storage() {
        return storage;
    }

    public FastAgi agi() {
        return agi;
    }

    public int agiPort() {
        return agiAddress.getPort();
    }

    /** The in-process simulator in demo mode, else null. */
    public PbxSimulator simulator() {
        return simulator;
    }

    /** The webhook sender, or null when no subscription is configured. */
    public WebhookDispatcher webhooks() {
        return webhooks;
    }

    /** The metrics registry, or null when {@code metrics.enabled} is false. */
    public CtiMetrics metrics() {
        return metrics;
    }

    /**
     * The readiness checks behind {@code GET /api/ready}. A feature with a dependency of its own (storage) adds its
     * {@link io.ctiserver.server.metrics.ReadinessCheck} here.
     */
    public Readiness readiness() {
        return readiness;
    }

    public AmiClient amiClient(String pbx) {
        PbxLink link = links.get(pbx);
        return link == null ? null : link.client();
    }

    public Tracker tracker(String pbx) {
        PbxLink link = links.get(pbx);
        return link == null ? null : link.tracker();
    }

    /** Stops everything, last started first. */
    @Override
    public void close() {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                log.warn("stopping {}: {}", closeables.get(i).getClass().getSimpleName(), e.toString());
            }
        }
        closeables.clear();
    }
}
