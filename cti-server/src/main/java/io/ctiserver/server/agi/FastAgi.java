package io.ctiserver.server.agi;

import io.ctiserver.routing.CallHistory;
import io.ctiserver.routing.CustomerDirectory;
import io.ctiserver.routing.InMemoryCustomerDirectory;
import io.ctiserver.routing.QueueLoad;
import io.ctiserver.routing.RouteDecisionListener;
import io.ctiserver.routing.RouteDryRun;
import io.ctiserver.routing.Router;
import io.ctiserver.routing.RoutingConfig;
import io.ctiserver.routing.RoutingService;
import io.ctiserver.routing.survey.InMemorySurveyStore;
import io.ctiserver.routing.survey.SurveyResponse;
import io.ctiserver.routing.survey.SurveyStore;
import io.ctiserver.server.agi.connector.HttpCrmDirectory;
import io.ctiserver.server.agi.connector.JsonLinesSurveyStore;
import io.ctiserver.server.config.ServerConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FastAGI feature, assembled from the server config: the {@code routing} section (rules, directory or CRM) and
 * the {@code agi} section (server, survey). The wiring gives it the live queue load, the call history and a listener
 * for decisions, then {@link #start()}s it.
 *
 * <pre>
 * InMemoryCallHistory history = new InMemoryCallHistory(100_000);      // tracker.addListener(history)
 * RouteDecisionRegistry decisions = new RouteDecisionRegistry(30_000); // gateway: decisions.find(callId)
 * FastAgi agi = FastAgi.create(config, new StateViewQueueLoad(stateView, Clock.systemUTC()), history, decisions);
 * agi.start();
 * </pre>
 */
public final class FastAgi implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FastAgi.class);
    private static final String CLASSPATH = "classpath:";

    private final AgiConfig agiConfig;
    private final RoutingConfig routingConfig;
    private final CustomerDirectory directory;
    private final RoutingService routing;
    private final SurveyStore surveys;
    private final FastAgiServer server;

    private FastAgi(AgiConfig agiConfig, RoutingConfig routingConfig, CustomerDirectory directory,
                    RoutingService routing, SurveyStore surveys) {
        this.agiConfig = agiConfig;
        this.routingConfig = routingConfig;
        this.directory = directory;
        this.routing = routing;
        this.surveys = surveys;
        Clock clock = Clock.systemUTC();
        this.server = new FastAgiServer(agiConfig, List.of(
                new RouteScript(routing, routingConfig.ivrVariables(), clock),
                new SurveyScript(surveys, agiConfig.surveyPrompt(), agiConfig.surveyDigitTimeoutMillis(), clock)));
    }

    /**
     * @param load     live queues and agents (e.g. {@code new StateViewQueueLoad(stateView, clock)}), or
     *                 {@link QueueLoad#unknown()}
     * @param history  last agents (e.g. an {@code InMemoryCallHistory} registered with the tracker)
     * @param listener told of every decision (e.g. a {@code RouteDecisionRegistry}), or null
     */
    public static FastAgi create(ServerConfig config, QueueLoad load, CallHistory history,
                                 RouteDecisionListener listener) throws IOException {
        return create(config, load, history, listener, response -> { });
    }

    /** As above; {@code onSurvey} is told of every stored survey answer (e.g. the KPI engine's CSAT). */
    public static FastAgi create(ServerConfig config, QueueLoad load, CallHistory history,
                                 RouteDecisionListener listener, Consumer<SurveyResponse> onSurvey)
            throws IOException {
        AgiConfig agi = config.section("agi", AgiConfig.class, AgiConfig.defaults());
        RoutingConfig rc = routingConfig(config);
        CustomerDirectory dir = directory(rc);
        RoutingService routing = new RoutingService(new Router(rc, load, history), dir, listener);
        SurveyStore store = agi.surveyFile() == null ? new InMemorySurveyStore(100_000)
                : new JsonLinesSurveyStore(Path.of(agi.surveyFile()), 100_000);
        return new FastAgi(agi, rc, dir, routing, observed(store, onSurvey));
    }

    private static SurveyStore observed(SurveyStore store, Consumer<SurveyResponse> onSurvey) {
        return new SurveyStore() {
            @Override
            public CompletableFuture<Void> add(SurveyResponse response) {
                return store.add(response).thenRun(() -> onSurvey.accept(response));
            }

            @Override
            public List<SurveyResponse> all() {
                return store.all();
            }
        };
    }

    public static RoutingConfig routingConfig(ServerConfig config) {
        return config.section("routing", RoutingConfig.class, RoutingConfig.defaults());
    }

    /** The customer source the config names: the HTTP CRM if set, else the embedded directory (imported now). */
    public static CustomerDirectory directory(RoutingConfig rc) throws IOException {
        if (rc.crm() != null) {
            LOG.info("customer lookup: HTTP CRM {} (timeout {} ms, cache {} s)", rc.crm().url(),
                    rc.crm().timeoutMillis(), rc.crm().cacheSeconds());
            return HttpCrmDirectory.create(rc.crm());
        }
        InMemoryCustomerDirectory dir = new InMemoryCustomerDirectory();
        if (rc.customersFile() != null) {
            InMemoryCustomerDirectory.ImportResult r = importCustomers(dir, rc.customersFile());
            LOG.info("customer directory: {} customers imported from {}", r.imported(), rc.customersFile());
            r.rejected().forEach(why -> LOG.warn("customer directory {}: rejected {}", rc.customersFile(), why));
        }
        return dir;
    }

    /** A file path, or {@code classpath:NAME} for a list bundled in the jar (the demo's customers). */
    private static InMemoryCustomerDirectory.ImportResult importCustomers(InMemoryCustomerDirectory dir, String source)
            throws IOException {
        if (!source.startsWith(CLASSPATH)) {
            return dir.importFile(Path.of(source));
        }
        String name = "/" + source.substring(CLASSPATH.length());
        try (java.io.InputStream in = FastAgi.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("customer list " + source + " is not in the jar");
            }
            return name.endsWith(".json") ? dir.importJson(in)
                    : dir.importCsv(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    public InetSocketAddress start() throws InterruptedException {
        return server.start();
    }

    public FastAgiServer server() {
        return server;
    }

    public RoutingService routing() {
        return routing;
    }

    /** The what-if service with the same rules, directory and live load (for {@code GET /api/route}). */
    public RouteDryRun dryRun() {
        return new RouteDryRun(routing.router(), directory);
    }

    public SurveyStore surveys() {
        return surveys;
    }

    public AgiConfig agiConfig() {
        return agiConfig;
    }

    public RoutingConfig routingConfig() {
        return routingConfig;
    }

    @Override
    public void close() throws IOException {
        server.close();
        if (surveys instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e);
            }
        }
    }
}
