package io.ctiserver.server.ami;

import io.ctiserver.ami.AmiActionException;
import io.ctiserver.ami.AmiActionSender;
import io.ctiserver.ami.AmiLinkState;
import io.ctiserver.ami.AmiListener;
import io.ctiserver.ami.AmiMessage;
import io.ctiserver.ami.AmiResponse;
import io.ctiserver.server.ami.codec.AmiBanner;
import io.ctiserver.server.ami.codec.AmiDecodeError;
import io.ctiserver.server.ami.codec.AmiDecoder;
import io.ctiserver.server.ami.codec.AmiEncoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AMI link to one Asterisk server: connects (optionally over TLS), logs in (plain or MD5 challenge), keeps the
 * link alive with Pings, reconnects with exponential backoff and jitter, sends actions and delivers every event, in
 * order, to one {@link AmiListener} on this PBX's own consumer thread.
 *
 * <h2>Threads</h2>
 * One Netty event loop owns the connection, the login and the table of actions waiting for an answer; nothing else
 * touches them. The listener, the link-state notices and the completion of every action future run on the PBX's
 * consumer thread ({@link #pbxExecutor()}), in wire order. So a resync that sends QueueStatus sees its answer after
 * every event that Asterisk sent before it. Do not block on a future from that thread: its answer queues behind you.
 *
 * <h2>Backpressure</h2>
 * See {@link AmiDelivery}: a full queue turns the socket's {@code autoRead} off, so TCP slows Asterisk; no event is
 * dropped and the event loop never blocks. While reading is off no Ping is sent and a missing Pong does not count,
 * because the Pong cannot be read.
 *
 * <h2>Secrets</h2>
 * The secret appears only in the Login action written to the socket; no log line carries an action's headers.
 */
public final class AmiClient implements AmiActionSender, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AmiClient.class);

    /** Heap buffers (see {@link HeapReads}); shared, one allocator's arenas serve every PBX. */
    static final ByteBufAllocator HEAP = new PooledByteBufAllocator(false);

    private final PbxConfig config;
    private final EventLoop loop;
    private final AmiDelivery delivery;
    private final SslContext ssl;
    private final Bootstrap bootstrap;
    private final AtomicLong nextActionId = new AtomicLong();
    private final AtomicInteger pendingCount = new AtomicInteger();
    private final AtomicLong pauses = new AtomicLong();
    private final AtomicLong loginAttempts = new AtomicLong();
    private volatile AmiLinkState state = AmiLinkState.DISCONNECTED;

    // Owned by the event loop.
    private Channel channel;
    private Session session;
    private ScheduledFuture<?> reconnect;
    private int failedAttempts;
    private boolean authFailureLogged;
    private boolean closed;
    private boolean started;

    public AmiClient(PbxConfig config, AmiListener listener, EventLoopGroup group) {
        this.config = config;
        this.loop = group.next();
        this.delivery = new AmiDelivery(config.id(), listener, config.queueCapacity());
        this.ssl = config.tls() ? sslContext(config) : null;
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, config.connectTimeoutMs())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.ALLOCATOR, HEAP)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new HeapReads())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        initPipeline(ch);
                    }
                });
    }

    public String pbx() {
        return config.id();
    }

    public PbxConfig config() {
        return config;
    }

    public AmiLinkState state() {
        return state;
    }

    /**
     * The PBX's consumer thread as an ordered executor: a task runs after every message and link change queued
     * before it, on the thread that calls the listener.
     */
    public Executor pbxExecutor() {
        return delivery;
    }

    /** Starts connecting; returns at once. */
    public void start() {
        loop.execute(() -> {
            if (started || closed) {
                return;
            }
            started = true;
            delivery.start(() -> loop.execute(this::resumeReading));
            connect();
        });
    }

    @Override
    public CompletableFuture<AmiResponse> send(AmiMessage action) {
        return send(action, Duration.ofMillis(config.actionTimeoutMs()));
    }

    /** Sends {@code action} with its own timeout (a long QueueStatus on a big system, say). */
    public CompletableFuture<AmiResponse> send(AmiMessage action, Duration timeout) {
        CompletableFuture<AmiResponse> future = new CompletableFuture<>();
        loop.execute(() -> {
            Session s = session;
            if (s == null || !s.loggedIn) {
                fail(future, AmiActionException.Reason.NOT_CONNECTED,
                        "PBX " + config.id() + " is " + state + "; " + action.action() + " not sent");
                return;
            }
            s.sendAction(action, timeout.toMillis(), future, null);
        });
        return future;
    }

    /** Actions sent and not answered yet. */
    public int pendingActions() {
        return pendingCount.get();
    }

    /** How many times a full queue turned reading off. */
    public long backpressurePauses() {
        return pauses.get();
    }

    /** Login actions sent since start (plain or MD5). */
    public long loginAttempts() {
        return loginAttempts.get();
    }

    /** Messages waiting for the consumer. */
    public int queuedMessages() {
        return delivery.queued();
    }

    /** Logs off politely if connected, closes, fails every waiting action and stops the consumer thread. */
    @Override
    public void close() throws InterruptedException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            closed = true;
            if (reconnect != null) {
                reconnect.cancel(false);
            }
            Channel ch = channel;
            if (ch == null || !ch.isActive()) {
                done.complete(null);
                return;
            }
            if (session != null && session.loggedIn) {
                ch.writeAndFlush(AmiMessage.of("Action", "Logoff", "ActionID", nextActionId()));
            }
            ch.close().addListener(f -> done.complete(null));
        });
        try {
            done.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("PBX {}: close did not finish in time: {}", config.id(), e.toString());
        }
        if (started) {
            delivery.stop(5_000);
        }
    }

    // ---- connection lifecycle (event loop) ----

    private void connect() {
        if (closed) {
            return;
        }
        setState(AmiLinkState.CONNECTING, "connecting to " + config.address());
        ChannelFuture f = bootstrap.connect(config.host(), config.port());
        channel = f.channel();
        f.addListener(result -> {
            if (!result.isSuccess() && !closed) {
                setState(AmiLinkState.DISCONNECTED, "cannot connect to " + config.address() + ": "
                        + result.cause().getMessage());
                scheduleReconnect(false);
            }
        });
    }

    private void initPipeline(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        if (ssl != null) {
            SSLEngine engine = ssl.newEngine(ch.alloc(), config.host(), config.port());
            // Set both ways: Netty 4.2's client contexts check the host name by default, so the opt-out must clear it.
            SSLParameters params = engine.getSSLParameters();
            params.setEndpointIdentificationAlgorithm(config.tlsSkipHostnameCheck() ? null : "HTTPS");
            engine.setSSLParameters(params);
            p.addLast("tls", new SslHandler(engine));
        }
        p.addLast("idle", new IdleStateHandler(0, 0, config.pingIntervalMs(), TimeUnit.MILLISECONDS));
        p.addLast("decoder", new AmiDecoder(true, config.maxLineLength(), config.maxMessageSize()));
        p.addLast("encoder", new AmiEncoder());
        p.addLast("session", new Session());
    }

    private void scheduleReconnect(boolean authFailed) {
        if (closed) {
            return;
        }
        long delay;
        if (authFailed) {
            // Retrying a refused secret fast only fills Asterisk's security log; someone must fix the config.
            delay = jitter(config.authRetryMs());
        } else {
            long ceiling = Math.min(config.reconnectMaxMs(),
                    (long) config.reconnectMinMs() << Math.min(failedAttempts, 20));
            delay = jitter(ceiling);
            failedAttempts++;
        }
        log.debug("PBX {}: next connection attempt in {} ms", config.id(), delay);
        reconnect = loop.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    /** "Equal jitter": half the delay fixed, half random, so PBXs that dropped together do not return together. */
    private static long jitter(long delay) {
        long half = Math.max(1, delay / 2);
        return half + ThreadLocalRandom.current().nextLong(half + 1);
    }

    private void setState(AmiLinkState next, String detail) {
        state = next;
        if (session != null) {
            session.flushBatch();
        }
        if (next == AmiLinkState.AUTH_FAILED) {
            log.debug("PBX {}: {}", config.id(), detail);
        } else {
            log.info("PBX {}: {} ({})", config.id(), next, detail);
        }
        delivery.linkState(next, detail);
    }

    /**
     * The consumer drained below the low-water mark. Reading may have been paused again since it asked (the rest of
     * a socket read still arrives after a pause): then stay paused and wait for the next drain instead.
     */
    private void resumeReading() {
        Channel ch = channel;
        if (ch == null || ch.config().isAutoRead()) {
            return;
        }
        if (delivery.atCapacity()) {
            delivery.pausedReading();
        } else {
            ch.config().setAutoRead(true);
        }
    }

    private String nextActionId() {
        return "cti-" + nextActionId.incrementAndGet();
    }

    private void fail(CompletableFuture<AmiResponse> future, AmiActionException.Reason reason, String message) {
        AmiActionException e = new AmiActionException(reason, message);
        delivery.execute(() -> future.completeExceptionally(e));
    }

    private static SslContext sslContext(PbxConfig config) {
        try {
            SslContextBuilder b = SslContextBuilder.forClient()
                    .endpointIdentificationAlgorithm(config.tlsSkipHostnameCheck() ? null : "HTTPS");
            if (config.tlsTrustCertificate() != null) {
                b.trustManager(new File(config.tlsTrustCertificate()));
            }
            return b.build();
        } catch (Exception e) {
            throw new IllegalArgumentException("pbx '" + config.id() + "': cannot set up TLS: " + e.getMessage(), e);
        }
    }

    static String md5Key(String challenge, String secret) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(challenge.getBytes(StandardCharsets.UTF_8));
            md5.update(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md5.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no MD5", e);
        }
    }

    /** An action waiting for its answer. {@code internal} actions (login, Ping) answer to the session itself. */
    private static final class Pending {
        final String actionId;
        final String action;
        final CompletableFuture<AmiResponse> future;
        final Consumer<AmiMessage> internal;
        ScheduledFuture<?> timeout;
        AmiMessage listResponse;
        List<AmiMessage> listEvents;
        boolean listOverflow;

        Pending(String actionId, String action, CompletableFuture<AmiResponse> future, Consumer<AmiMessage> internal) {
            this.actionId = actionId;
            this.action = action;
            this.future = future;
            this.internal = internal;
        }
    }

    /** One TCP connection: login, action correlation, keepalive, delivery. Lives on the event loop. */
    private final class Session extends ChannelInboundHandlerAdapter {
        private final Map<String, Pending> pending = new HashMap<>();
        private final DecodeErrorLog decodeErrors = new DecodeErrorLog(config.id());
        private ChannelHandlerContext ctx;
        private boolean loggedIn;
        private boolean authFailed;
        private boolean fullyBooted;
        private boolean pingOutstanding;
        private long loggedInAt;
        private ScheduledFuture<?> loginTimeout;
        private AmiMessage[] batch = new AmiMessage[AmiDelivery.BATCH];
        private int batchSize;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            session = this;
            loginTimeout = loop.schedule(() -> {
                if (!loggedIn && ctx.channel().isActive()) {
                    log.warn("PBX {}: no banner and login answer within {} ms; closing", config.id(),
                            config.loginTimeoutMs());
                    ctx.close();
                }
            }, config.loginTimeoutMs(), TimeUnit.MILLISECONDS);
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof AmiMessage m) {
                onMessage(m.withSource(config.id(), System.currentTimeMillis()));
            } else if (msg instanceof AmiBanner banner) {
                log.debug("PBX {}: banner '{}'", config.id(), banner.text());
                login();
            } else if (msg instanceof AmiDecodeError error) {
                decodeErrors.log(error);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            flushBatch();
            ctx.fireChannelReadComplete();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent && loggedIn && !pingOutstanding && ctx.channel().config().isAutoRead()) {
                pingOutstanding = true;
                sendAction(AmiMessage.of("Action", "Ping"), config.pingTimeoutMs(), null, pong -> {
                    pingOutstanding = false;
                    if (pong == null && ctx.channel().config().isAutoRead()) {
                        log.warn("PBX {}: no answer to Ping within {} ms; closing the dead link", config.id(),
                                config.pingTimeoutMs());
                        ctx.close();
                    }
                });
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.warn("PBX {}: connection error: {}", config.id(), cause.toString());
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            flushBatch();
            if (loginTimeout != null) {
                loginTimeout.cancel(false);
            }
            for (Pending p : pending.values()) {
                p.timeout.cancel(false);
                pendingCount.decrementAndGet();
                if (p.future != null) {
                    fail(p.future, AmiActionException.Reason.DISCONNECTED,
                            "PBX " + config.id() + ": link lost before the answer to " + p.action);
                }
            }
            pending.clear();
            if (session == this) {
                session = null;
            }
            if (loggedIn && System.currentTimeMillis() - loggedInAt > config.reconnectMaxMs()) {
                failedAttempts = 0; // a link that held for a while starts the backoff afresh
            }
            if (authFailed) {
                scheduleReconnect(true);
            } else if (!closed) {
                setState(AmiLinkState.DISCONNECTED, loggedIn ? "connection lost" : "connection closed during login");
                scheduleReconnect(false);
            } else {
                setState(AmiLinkState.DISCONNECTED, "closed");
            }
            loggedIn = false;
            ctx.fireChannelInactive();
        }

        // ---- login ----

        private void login() {
            if (config.md5()) {
                sendAction(AmiMessage.of("Action", "Challenge", "AuthType", "MD5"), config.loginTimeoutMs(), null,
                        answer -> {
                            if (answer != null && "Success".equalsIgnoreCase(answer.response())
                                    && answer.has("Challenge")) {
                                String key = md5Key(answer.get("Challenge"), config.secret());
                                sendLogin(AmiMessage.of("Action", "Login", "AuthType", "MD5",
                                        "Username", config.username(), "Key", key));
                            } else {
                                onLoginAnswer(answer);
                            }
                        });
            } else {
                sendLogin(AmiMessage.of("Action", "Login", "Username", config.username(),
                        "Secret", config.secret()));
            }
        }

        private void sendLogin(AmiMessage login) {
            loginAttempts.incrementAndGet();
            sendAction(login, config.loginTimeoutMs(), null, this::onLoginAnswer);
        }

        private void onLoginAnswer(AmiMessage answer) {
            if (answer == null) {
                log.warn("PBX {}: no answer to the login within {} ms; closing", config.id(),
                        config.loginTimeoutMs());
                ctx.close();
            } else if ("Success".equalsIgnoreCase(answer.response())) {
                loggedIn = true;
                loggedInAt = System.currentTimeMillis();
                authFailureLogged = false;
                loginTimeout.cancel(false);
                setState(AmiLinkState.CONNECTED, "logged in to " + config.address() + " as " + config.username());
                if (fullyBooted) {
                    setState(AmiLinkState.FULLY_BOOTED, "FullyBooted arrived during login");
                }
            } else {
                authFailed = true;
                String why = answer.get("Message", answer.response());
                String detail = "Asterisk at " + config.address() + " refused the login of user '"
                        + config.username() + "': " + why;
                long retry = config.authRetryMs() / 1000;
                if (!authFailureLogged) {
                    authFailureLogged = true;
                    log.error("PBX {}: {}. Check the username and secret; retrying every ~{} s", config.id(), detail,
                            retry);
                } else {
                    log.info("PBX {}: login still refused; next attempt in ~{} s", config.id(), retry);
                }
                setState(AmiLinkState.AUTH_FAILED, detail);
                ctx.close();
            }
        }

        // ---- actions ----

        void sendAction(AmiMessage action, long timeoutMs, CompletableFuture<AmiResponse> future,
                        Consumer<AmiMessage> internal) {
            String id = nextActionId();
            AmiMessage wire = action.toBuilder().set("ActionID", id).build();
            Pending p = new Pending(id, action.action(), future, internal);
            p.timeout = loop.schedule(() -> onTimeout(p, timeoutMs), timeoutMs, TimeUnit.MILLISECONDS);
            pending.put(id, p);
            pendingCount.incrementAndGet();
            ctx.writeAndFlush(wire).addListener(w -> {
                if (!w.isSuccess() && pending.remove(id) == p) {
                    p.timeout.cancel(false);
                    pendingCount.decrementAndGet();
                    if (future != null) {
                        fail(future, AmiActionException.Reason.REJECTED, "PBX " + config.id() + ": "
                                + p.action + " not sent: " + w.cause().getMessage());
                    } else {
                        internal.accept(null);
                    }
                }
            });
        }

        private void onTimeout(Pending p, long timeoutMs) {
            if (pending.remove(p.actionId) != p) {
                return;
            }
            pendingCount.decrementAndGet();
            if (p.future != null) {
                flushBatch();
                fail(p.future, AmiActionException.Reason.TIMEOUT, "PBX " + config.id() + ": no "
                        + (p.listResponse == null ? "answer" : "end of the event list") + " to " + p.action
                        + " (ActionID " + p.actionId + ") within " + timeoutMs + " ms");
            } else {
                p.internal.accept(null);
            }
        }

        private void complete(Pending p, AmiResponse response) {
            pending.remove(p.actionId);
            p.timeout.cancel(false);
            pendingCount.decrementAndGet();
            flushBatch();
            delivery.execute(() -> p.future.complete(response));
        }

        // ---- incoming ----

        private void onMessage(AmiMessage m) {
            String actionId = m.actionId();
            Pending p = actionId == null ? null : pending.get(actionId);
            if (p != null) {
                if (m.isResponse()) {
                    onResponse(p, m);
                    return;
                }
                if (p.listEvents != null) {
                    onListEvent(p, m);
                    return;
                }
            }
            if ("FullyBooted".equals(m.eventName())) {
                fullyBooted = true;
                if (loggedIn && state != AmiLinkState.FULLY_BOOTED) {
                    setState(AmiLinkState.FULLY_BOOTED, "Asterisk is fully booted, uptime " + m.get("Uptime") + " s");
                }
            }
            deliver(m);
        }

        private void onResponse(Pending p, AmiMessage m) {
            if (p.internal != null) {
                pending.remove(p.actionId);
                p.timeout.cancel(false);
                pendingCount.decrementAndGet();
                p.internal.accept(m);
            } else if ("start".equalsIgnoreCase(m.get("EventList")) && p.listEvents == null) {
                p.listResponse = m;
                p.listEvents = new ArrayList<>();
            } else {
                complete(p, AmiResponse.of(m));
            }
        }

        private void onListEvent(Pending p, AmiMessage m) {
            if (p.listEvents.size() < config.maxEventListSize()) {
                p.listEvents.add(m);
            } else if (!p.listOverflow) {
                p.listOverflow = true;
                log.warn("PBX {}: {} returned more than {} events; the rest are dropped and the action fails",
                        config.id(), p.action, config.maxEventListSize());
            }
            if ("Complete".equalsIgnoreCase(m.get("EventList"))) {
                if (p.listOverflow) {
                    pending.remove(p.actionId);
                    p.timeout.cancel(false);
                    pendingCount.decrementAndGet();
                    flushBatch();
                    fail(p.future, AmiActionException.Reason.REJECTED, "PBX " + config.id() + ": " + p.action
                            + " returned more than " + config.maxEventListSize() + " events");
                } else {
                    complete(p, new AmiResponse(p.listResponse, p.listEvents));
                }
            }
        }

        private void deliver(AmiMessage m) {
            batch[batchSize++] = m;
            if (batchSize == batch.length) {
                flushBatch();
            }
        }

        void flushBatch() {
            if (batchSize == 0) {
                return;
            }
            AmiMessage[] full = batch;
            int n = batchSize;
            batch = new AmiMessage[AmiDelivery.BATCH];
            batchSize = 0;
            Channel ch = ctx.channel();
            if (delivery.offer(full, n) && ch.config().isAutoRead()) {
                ch.config().setAutoRead(false);
                pauses.incrementAndGet();
                log.debug("PBX {}: consumer is behind ({} queued); reading paused", config.id(), delivery.queued());
                delivery.pausedReading();
            }
        }
    }

    /**
     * Logs decode errors precisely but at most 10 per 10 s per connection, so a PBX sending junk cannot flood the
     * log; the number left out is logged with the next one that gets through.
     */
    private static final class DecodeErrorLog {
        private final String pbx;
        private long windowStart;
        private int inWindow;
        private int suppressed;

        DecodeErrorLog(String pbx) {
            this.pbx = pbx;
        }

        void log(AmiDecodeError error) {
            long now = System.nanoTime();
            if (now - windowStart > TimeUnit.SECONDS.toNanos(10)) {
                windowStart = now;
                inWindow = 0;
            }
            if (++inWindow > 10) {
                suppressed++;
                return;
            }
            String more = suppressed > 0 ? " (" + suppressed + " more decode errors not logged)" : "";
            suppressed = 0;
            log.warn("PBX {}: bad AMI input, {}: {} [{}]{}", pbx, error.kind(), error.detail(), error.excerpt(), more);
        }
    }
}
