package io.ctiserver.server.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ctiserver.events.CallView;
import io.ctiserver.events.CtiStateView;
import io.ctiserver.kpi.KpiConfig;
import io.ctiserver.kpi.KpiEngine;
import io.ctiserver.routing.InMemoryCallHistory;
import io.ctiserver.routing.RouteDecision;
import io.ctiserver.routing.RouteDecisionRegistry;
import io.ctiserver.routing.StateViewQueueLoad;
import io.ctiserver.server.agi.FastAgi;
import io.ctiserver.server.ami.AmiClient;
import io.ctiserver.server.ami.AmiClientConfig;
import io.ctiserver.server.ami.PbxConfig;
import io.ctiserver.server.config.ServerConfig;
import io.ctiserver.server.gateway.CustomerLookup;
import io.ctiserver.server.gateway.Gateway;
import io.ctiserver.server.gateway.GatewayConfig;
import io.ctiserver.server.gateway.StoredData;
import io.ctiserver.server.sim.PbxSimulator;
import io.ctiserver.server.sim.SimConfig;
import io.ctiserver.server.storage.RowsFrom;
import io.ctiserver.server.storage.Storage;
import io.ctiserver.server.storage.StorageApi;
import io.ctiserver.server.storage.StorageConfig;
import io.ctiserver.server.storage.StorageWarmUp;
import io.ctiserver.tracker.Resync;
import io.ctiserver.tracker.Tracker;
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
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private CtiStateView state;
    private PbxSimulator simulator;
    private FastAgi agi;
    private KpiEngine kpis;
    private InetSocketAddress agiAddress;
    private Gateway gateway;
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
        ids.forEach(id -> trackers.add(new Tracker(id)));
        state = new CombinedStateView(trackers.stream().map(Tracker::view).toList());

        InMemoryCallHistory history = new InMemoryCallHistory(100_000);
        RouteDecisionRegistry decisions = new RouteDecisionRegistry(30_000);
        StorageConfig storageConfig = config.section(StorageConfig.SECTION, StorageConfig.class,
                StorageConfig.defaults()).withDefaults();
        if (storageConfig.enabled()) {
            // started first, closed last: it drains what the others hand it while they stop
            storage = Storage.start(storageConfig);
            closeables.add(storage);
            storageApi = new StorageApi(storage);
            closeables.add(storageApi);
            StorageWarmUp.lastAgents(storage, history);
            trackers.forEach(t -> t.addListener(storage.listener()));
            trackers.forEach(t -> t.addListener(storageApi));
            decisions.addListener(d -> storage.offer(RowsFrom.route(d)));
        }
        trackers.forEach(t -> t.addListener(history));
        kpis = new KpiEngine(config.section("kpi", KpiConfig.class, KpiConfig.defaults()).toSettings());
        trackers.forEach(t -> t.addListener(kpis));
        agi = FastAgi.create(config, new StateViewQueueLoad(state, Clock.systemUTC()), history, decisions,
                r -> {
                    kpis.recordSurvey(r.callId(), r.agentInterface(), r.score());
                    if (storage != null) {
                        storage.offer(RowsFrom.survey(r));
                    }
                });
        closeables.add(agi);
        agiAddress = agi.start();

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
            AmiClient client = new AmiClient(pbxs.get(i), tracker, amiGroup);
            tracker.onResyncNeeded(new Resync(tracker, client, client.pbxExecutor())::start);
            links.put(tracker.pbx(), new PbxLink(tracker.pbx(), client, tracker));
            closeables.add(client);
        }

        GatewayConfig gatewayConfig = config.section("gateway", GatewayConfig.class, GatewayConfig.defaults());
        if (!links.containsKey(gatewayConfig.defaultPbx())) {
            log.warn("gateway.defaultPbx '{}' is not a configured PBX ({}): users without a 'pbx' cannot act",
                    gatewayConfig.defaultPbx(), links.keySet());
        }
        ServerReports reports = new ServerReports(kpis, agi.dryRun(), agi.routingConfig());
        closeables.add(reports);
        gateway = Gateway.builder()
                .config(gatewayConfig)
                .stateView(state)
                .actionSenders(pbx -> {
                    PbxLink link = links.get(pbx);
                    return link == null ? null : link.client();
                })
                .customerLookup(customers(decisions))
                .callDataSink((pbx, callId, data) -> {
                    PbxLink link = links.get(pbx);
                    return link == null ? java.util.concurrent.CompletableFuture.completedFuture(false)
                            : link.attachData(callId, data);
                })
                .reports(reports)
                .storedData(storageApi == null ? StoredData.NONE : storageApi)
                .build()
                .start();
        closeables.add(gateway);
        trackers.forEach(t -> t.addListener(gateway));
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

    /**
     * The screen pop's customer record: the one routing found for this call (by call id or Linkedid), else what
     * routing left on the call as {@code CTI_CUSTOMER_*} data.
     */
    private static CustomerLookup customers(RouteDecisionRegistry decisions) {
        return call -> {
            Optional<RouteDecision> d = decision(decisions, call);
            if (d.isPresent() && d.get().customer() != null) {
                @SuppressWarnings("unchecked")
                Map<String, Object> record = JSON.convertValue(d.get().customer(), Map.class);
                return record;
            }
            return CustomerLookup.FROM_CALL_DATA.lookup(call);
        };
    }

    private static Optional<RouteDecision> decision(RouteDecisionRegistry decisions, CallView call) {
        String routedId = call.data().get(RouteDecision.CTI_CALL_ID);
        for (String id : new String[] {routedId, call.callId(), call.linkedId()}) {
            if (id != null && !id.isEmpty()) {
                Optional<RouteDecision> d = decisions.find(id);
                if (d.isPresent()) {
                    return d;
                }
            }
        }
        return Optional.empty();
    }

    public CtiStateView state() {
        return state;
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
