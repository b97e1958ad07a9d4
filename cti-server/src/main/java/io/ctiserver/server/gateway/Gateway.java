package io.ctiserver.server.gateway;

import io.ctiserver.ami.AmiActionSender;
import io.ctiserver.events.CtiEvent;
import io.ctiserver.events.CtiEventListener;
import io.ctiserver.events.CtiStateView;
import io.ctiserver.presence.PhoneSetting;
import io.ctiserver.presence.PresenceChange;
import io.ctiserver.presence.PresenceListener;
import io.ctiserver.presence.PresenceView;
import io.ctiserver.server.agi.Transport;
import io.ctiserver.server.gateway.auth.TokenService;
import io.ctiserver.server.gateway.auth.UserDirectory;
import io.ctiserver.server.gateway.commands.AuditLog;
import io.ctiserver.server.gateway.commands.CommandFamily;
import io.ctiserver.server.gateway.commands.CommandHandler;
import io.ctiserver.server.gateway.commands.CommandSupport;
import io.ctiserver.server.gateway.commands.DispositionStore;
import io.ctiserver.server.gateway.commands.phone.PhoneCommands;
import io.ctiserver.server.gateway.commands.phone.PhonesConfig;
import io.ctiserver.server.gateway.events.EventFanout;
import io.ctiserver.server.gateway.events.Figures;
import io.ctiserver.server.gateway.http.GatewayInitializer;
import io.ctiserver.server.gateway.http.GatewayServices;
import io.ctiserver.server.gateway.presence.PhoneSettingEvents;
import io.ctiserver.server.gateway.presence.PresenceAccess;
import io.ctiserver.server.gateway.presence.PresenceFeed;
import io.ctiserver.server.gateway.http.TokenConnections;
import io.ctiserver.server.gateway.session.SessionRegistry;
import io.ctiserver.server.metrics.Operations;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.File;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The desktop gateway: REST under {@code /api}, the desktop WebSocket at {@code /ws} and static files, on one port.
 *
 * <pre>{@code
 * Gateway gw = Gateway.builder()
 *         .config(serverConfig.section("gateway", GatewayConfig.class, GatewayConfig.defaults()))
 *         .stateView(tracker)                     // CtiStateView
 *         .actionSender("pbx1", amiClient)        // one per PBX (or actionSenders(resolver))
 *         .customerLookup(crm)                    // optional
 *         .callDataSink(tracker::attachData)      // optional
 *         .build()
 *         .start();
 * tracker.addListener(gw);                        // the gateway is a CtiEventListener
 * ...
 * gw.close();
 * }</pre>
 */
public final class Gateway implements CtiEventListener, PresenceListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final GatewayConfig config;
    private final CtiStateView state;
    private final Clock clock;
    private final UserDirectory users;
    private final TokenService tokens;
    private final SessionRegistry sessions;
    private final EventFanout fanout;
    private final PhoneSettingEvents phoneSettings;
    private final AuditLog audit = new AuditLog(10_000);
    private final DispositionStore dispositions = new DispositionStore(10_000);
    private final CommandHandler commands;
    private final Reports reports;
    private final java.util.function.Supplier<?> mediaKpis;
    private final Operations operations;
    private final StoredData stored;
    private final ThreadPoolExecutor loginExecutor;
    private final ScheduledExecutorService timer;
    private final TokenConnections connections = new TokenConnections();
    /** The name of the connections' event loop threads ({@code gateway-io-N-M}): thread dumps, and the bench's CPU. */
    public static final String IO_THREADS = "gateway-io";
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel server;

    private Gateway(Builder b) {
        this.config = Objects.requireNonNull(b.config, "config");
        this.state = Objects.requireNonNull(b.state, "stateView");
        this.reports = Reports.withMedia(b.reports, b.mediaKpis); // GET /api/kpis shows them as the kpi event
        this.mediaKpis = b.mediaKpis;
        this.operations = b.operations;
        this.clock = b.clock;
        this.users = new UserDirectory(config.users(), config.defaultPbx());
        this.tokens = new TokenService(clock, config.tokenTtlSeconds());
        tokens.onEnded((grant, reason) -> connections.closeAll(grant.token(), reason));
        this.sessions = new SessionRegistry(config);
        this.stored = b.stored;
        this.fanout = new EventFanout(sessions, state, b.customers, config.crmUrlTemplate(), clock, b.inboxEvents,
                b.inboxBytes, stored::recentCalls);
        this.phoneSettings = new PhoneSettingEvents(b.phones, users, fanout::publishPhoneEvent);
        PresenceAccess access = new PresenceAccess(b.phones);
        this.fanout.presence(new PresenceFeed(b.presence, access, access.lineNames(users.all())));
        this.commands = new CommandHandler(new CommandSupport(config, users, state, b.senders, clock), audit, support -> {
            List<CommandFamily> families = CommandHandler.standardFamilies(support, b.dataSink, fanout::recentlyEnded,
                    dispositions);
            families.add(new PhoneCommands(support, b.phones, b.presence, fanout::publishPhoneEvent));
            b.extraFamilies.forEach(f -> families.add(f.apply(support)));
            return families;
        });
        // PBKDF2 is slow on purpose: two threads, a short queue, refusal beyond it (a login storm cannot pile up).
        this.loginExecutor = new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(64),
                r -> daemon(r, "gateway-login"));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "gateway-timer"));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds the port and starts the fan-out and timers; on failure (port taken, bad TLS files) stops what started. */
    public Gateway start() throws InterruptedException, SSLException {
        try {
            return startAll();
        } catch (Throwable t) {
            // Netty's bind throws java.net.BindException undeclared: catch everything, rethrow as is.
            close();
            throw t;
        }
    }

    private Gateway startAll() throws InterruptedException, SSLException {
        SslContext ssl = null;
        if (config.tls() != null && config.tls().certFile() != null) {
            ssl = SslContextBuilder.forServer(new File(config.tls().certFile()), new File(config.tls().keyFile()),
                    config.tls().keyPassword()).build();
        }
        fanout.start();
        GatewayServices services = new GatewayServices(config, users, tokens, sessions, fanout, commands, state,
                loginExecutor, reports, operations, connections, stored);
        // Native epoll on Linux (NIO elsewhere, or with -Dcti.nio=true): a fan-out is a write system call per desktop,
        // and epoll's writev from Java costs the fan-out threads less CPU than NIO's (bench presence, docs/phones.md).
        boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("gateway-accept"),
                Transport.ioHandlerFactory());
        workers = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory(IO_THREADS),
                Transport.ioHandlerFactory());
        ChannelFuture bound = new ServerBootstrap()
                .group(boss, workers)
                .channel(Transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 << 10, 256 << 10))
                .childHandler(new GatewayInitializer(services, ssl))
                .bind(new InetSocketAddress(config.bind(), config.port()))
                .await();
        if (!bound.isSuccess()) {
            throw bindFailure(bound.cause());
        }
        server = bound.channel();
        timer.scheduleAtFixedRate(this::tick, config.kpiIntervalMillis(), config.kpiIntervalMillis(),
                TimeUnit.MILLISECONDS);
        LOG.info("desktop gateway listening on {}:{} ({}, {} transport), {} users", config.bind(), port(),
                ssl == null ? "http" : "https", Transport.name(), users.all().size());
        return this;
    }

    /**
     * A failed bind as a {@link java.net.BindException} whatever the transport: NIO throws one, epoll a
     * {@code NativeIoException} with the same message ("Address already in use").
     */
    private RuntimeException bindFailure(Throwable cause) {
        if (cause instanceof java.net.BindException b) {
            return sneaky(b);
        }
        java.net.BindException b = new java.net.BindException(config.bind() + ":" + config.port() + ": "
                + cause.getMessage());
        b.initCause(cause);
        return sneaky(b);
    }

    /** Netty's bind throws its checked exception undeclared; so does this, as {@code start()} always has. */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
        throw (T) t;
    }

    private void tick() {
        try {
            fanout.publishKpi(Figures.kpi(state, clock.instant(), reports.kpis(), mediaKpis.get()));
            sessions.sweep(System.nanoTime(), s -> LOG.debug("session {} expired", s.id()));
            tokens.sweep();
        } catch (RuntimeException e) {
            LOG.warn("gateway timer failed", e);
        }
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Called on the tracker's thread; hands the event off without blocking. */
    @Override
    public void onEvent(CtiEvent event) {
        fanout.onEvent(event);
    }

    /** Called on a presence tracker's thread; hands the change off without blocking. */
    @Override
    public void onPresence(PresenceChange change) {
        fanout.onPresence(change);
    }

    /** A DND or forward set on the phone: the same events as from a desktop; on the tracker's thread, no blocking. */
    @Override
    public void onPhoneSetting(PhoneSetting setting) {
        phoneSettings.accept(setting);
    }

    /** A token for a user, without a password: for trusted in-process callers (benchmark, a future SSO). */
    public TokenService.Grant issueToken(String username) {
        return tokens.issue(users.byName(username)
                .orElseThrow(() -> new IllegalArgumentException("no user '" + username + "'")));
    }

    public AuditLog audit() {
        return audit;
    }

    /** The command dispatcher (its {@code commands()} names every command a desktop may send). */
    public CommandHandler commands() {
        return commands;
    }

    public DispositionStore dispositions() {
        return dispositions;
    }

    public SessionRegistry sessions() {
        return sessions;
    }

    public EventFanout fanout() {
        return fanout;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        loginExecutor.shutdownNow();
        fanout.close();
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        if (workers != null) {
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (boss != null) {
            boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** What the wiring provides. {@code config} and {@code stateView} are required. */
    public static final class Builder {
        private GatewayConfig config;
        private CtiStateView state;
        private final Map<String, AmiActionSender> senderMap = new java.util.concurrent.ConcurrentHashMap<>();
        private Function<String, AmiActionSender> senders = senderMap::get;
        private CustomerLookup customers = CustomerLookup.FROM_CALL_DATA;
        private CallDataSink dataSink = CallDataSink.NONE;
        private final List<Function<CommandSupport, CommandFamily>> extraFamilies = new ArrayList<>();
        private Clock clock = Clock.systemUTC();
        private Reports reports = Reports.NONE;
        private java.util.function.Supplier<?> mediaKpis = () -> null;
        private PhonesConfig phones = PhonesConfig.defaults();
        private PresenceView presence = java.util.List::of;
        private Operations operations = Operations.NONE;
        private StoredData stored = StoredData.NONE;
        private int inboxEvents = EventFanout.DEFAULT_INBOX_EVENTS;
        private long inboxBytes = EventFanout.defaultInboxBytes();

        public Builder config(GatewayConfig c) {
            this.config = c;
            return this;
        }

        public Builder stateView(CtiStateView s) {
            this.state = s;
            return this;
        }

        /** The AMI sender of one PBX; commands on that PBX's calls and agents go there. */
        public Builder actionSender(String pbx, AmiActionSender sender) {
            senderMap.put(pbx, sender);
            return this;
        }

        /** Resolves a PBX id to its sender (null when unknown), instead of {@link #actionSender}. */
        public Builder actionSenders(Function<String, AmiActionSender> resolver) {
            this.senders = resolver;
            return this;
        }

        public Builder customerLookup(CustomerLookup c) {
            this.customers = c;
            return this;
        }

        /** Adds a command family (phones, presence, chat, ...) built from the shared command support. */
        public Builder commandFamily(Function<CommandSupport, CommandFamily> family) {
            this.extraFamilies.add(family);
            return this;
        }

        /** The phones: devices and what they accept, AstDB families, which presence lines agents see. */
        public Builder phones(PhonesConfig p) {
            this.phones = Objects.requireNonNull(p);
            return this;
        }

        /** Presence lines for the {@code presence} subscription and {@code GET /api/presence}. */
        public Builder presence(PresenceView p) {
            this.presence = Objects.requireNonNull(p);
            return this;
        }

        public Builder callDataSink(CallDataSink s) {
            this.dataSink = s;
            return this;
        }

        /**
         * The chat and email KPIs over the sliding window (the omni engine's {@code kpis()}), carried as
         * {@code media} in every {@code kpi} event; must not block. Without it {@code media} is null.
         */
        public Builder mediaKpis(java.util.function.Supplier<?> s) {
            this.mediaKpis = Objects.requireNonNull(s);
            return this;
        }

        /** KPIs and routing's what-if; without it the {@code kpi} event has live figures only. */
        public Builder reports(Reports r) {
            this.reports = Objects.requireNonNull(r);
            return this;
        }

        /** {@code /metrics} and {@code /api/ready}; without it there are no metrics and the gateway is always ready. */
        public Builder operations(Operations o) {
            this.operations = Objects.requireNonNull(o);
            return this;
        }

        /** History, reports, the screen pop's recent calls and storage health; without it those answer 404. */
        public Builder storedData(StoredData s) {
            this.stored = Objects.requireNonNull(s);
            return this;
        }

        /** The fan-out inbox's bounds (default 65,536 events, {@link EventFanout#defaultInboxBytes()}). */
        public Builder inboxBounds(int events, long bytes) {
            this.inboxEvents = events;
            this.inboxBytes = bytes;
            return this;
        }

        public Builder clock(Clock c) {
            this.clock = c;
            return this;
        }

        public Gateway build() {
            return new Gateway(this);
        }
    }
}
