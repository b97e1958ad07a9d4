package io.ctiserver.server.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.server.gateway.Json;
import io.ctiserver.server.gateway.auth.TokenService;
import io.ctiserver.server.gateway.auth.User;
import io.ctiserver.server.gateway.commands.CommandError;
import io.ctiserver.server.gateway.commands.CommandError.Code;
import io.ctiserver.server.gateway.commands.CommandResult;
import io.ctiserver.server.gateway.session.DesktopSession;
import io.ctiserver.server.gateway.session.RateLimiter;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One desktop's WebSocket. Authenticates (token in {@code ?token=}, an {@code Authorization: Bearer} header on the
 * upgrade, or a first {@code auth} message), attaches the connection to a new or resumed session, and serves control
 * messages and commands. A bad message gets an {@code error} and the connection stays; the session's state belongs to
 * {@link DesktopSession}, this handler only holds the connection's.
 */
public final class WebSocketHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketHandler.class);

    /** Close codes in the private range: unauthenticated, auth timeout. */
    static final int CLOSE_UNAUTHENTICATED = 4401;
    static final int CLOSE_AUTH_TIMEOUT = 4408;

    private final GatewayServices services;
    private DesktopSession session;
    /** The token this connection authenticated with: when it ends, the connection is closed. */
    private String token;
    private ScheduledFuture<?> authTimeout;
    private boolean upgraded;
    /** A close frame went out: frames still in flight from the desktop are dropped until its close reply. */
    private boolean closing;
    /** Consecutive reader-idle periods: the peer has sent nothing, not even a pong, for this many pings. */
    private int silentPeriods;
    private final int pingSeconds;
    /** Every message, before authentication too: five times the command rate, then the connection is closed. */
    private final RateLimiter flood;

    /** Public for the fuzz target, which drives one through an {@code EmbeddedChannel}. */
    public WebSocketHandler(GatewayServices services, int pingSeconds) {
        this.services = services;
        this.pingSeconds = pingSeconds;
        this.flood = new RateLimiter(services.config().commandsPerSecond() * 5, services.config().commandBurst() * 5);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete hs) {
            upgraded = true;
            Map<String, List<String>> q;
            try {
                q = new QueryStringDecoder(hs.requestUri()).parameters();
            } catch (IllegalArgumentException e) {
                // A bad %-escape: told, as REST answers it (400), rather than cut by exceptionCaught with no reason.
                error(ctx, null, CommandError.of(Code.INVALID_FIELD, "malformed URI: " + e.getMessage()));
                close(ctx, 1008, "malformed URI");
                return;
            }
            String token = first(q, "token");
            String auth = hs.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
            if (token == null && auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
                token = auth.substring(7).trim();
            }
            if (token != null) {
                authenticate(ctx, token, first(q, "session"), parseSeq(first(q, "lastSeq")));
            } else {
                authTimeout = ctx.executor().schedule(() -> {
                    if (session == null) {
                        close(ctx, CLOSE_AUTH_TIMEOUT, "no auth message within "
                                + services.config().authTimeoutSeconds() + " s");
                    }
                }, services.config().authTimeoutSeconds(), TimeUnit.SECONDS);
            }
            return;
        }
        if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
            // Every pingSeconds of silence from the peer; the first since it was last heard from has isFirst().
            silentPeriods = idle.isFirst() ? 1 : silentPeriods + 1;
            if (!upgraded) {
                ctx.close(); // an idle REST keep-alive connection
            } else if (silentPeriods >= GatewayInitializer.PINGS_UNANSWERED) {
                close(ctx, 1001, "idle: no frame for " + silentPeriods * pingSeconds + " s");
            } else if (session != null) {
                ctx.writeAndFlush(new PingWebSocketFrame());
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof WebSocketFrame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (closing) {
                return;
            }
            if (msg instanceof TextWebSocketFrame text) {
                onText(ctx, text);
            } else {
                error(ctx, null, CommandError.of(Code.INVALID_JSON, "only text frames holding JSON are accepted"));
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onText(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
        if (!flood.tryAcquire()) {
            // Far beyond any desktop's pace: answering each message would only queue more output for the flooder.
            close(ctx, 1008, "too many messages per second");
            return;
        }
        JsonNode msg;
        try (InputStream in = new ByteBufInputStream(frame.content())) {
            msg = Json.MAPPER.readTree(in);
        } catch (IOException e) {
            error(ctx, null, CommandError.of(Code.INVALID_JSON, "invalid JSON: " + firstLine(e.getMessage())));
            return;
        }
        if (msg == null || !msg.isObject()) {
            error(ctx, null, CommandError.of(Code.INVALID_JSON, "a message is a JSON object"));
            return;
        }
        String id = msg.hasNonNull("id") ? msg.get("id").asText() : null;
        String type = msg.path("type").asText(null);
        if (type == null) {
            error(ctx, id, CommandError.of(Code.MISSING_FIELD, "missing field 'type'"));
            return;
        }
        if (type.equals("auth")) {
            if (session != null) {
                error(ctx, id, CommandError.of(Code.INVALID_FIELD, "already authenticated"));
                return;
            }
            String token = msg.path("token").asText(null);
            if (token == null) {
                error(ctx, id, CommandError.of(Code.MISSING_FIELD, "missing field 'token'"));
                return;
            }
            authenticate(ctx, token, msg.path("session").asText(null),
                    msg.hasNonNull("lastSeq") ? msg.get("lastSeq").asLong() : null);
            return;
        }
        if (session == null) {
            // A command always gets a result, so that a desktop waiting on its id is answered.
            CommandError e = CommandError.of(Code.UNAUTHENTICATED, "authenticate first: {\"type\":\"auth\",\"token\":...}");
            error(ctx, id, e, type.equals("command") ? "result" : "error");
            return;
        }
        switch (type) {
            case "ping" -> write(ctx, Map.of("type", "pong"));
            case "command" -> command(ctx, id, msg);
            case "subscribe", "unsubscribe" -> subscribe(ctx, id, msg, type.equals("subscribe"));
            default -> error(ctx, id, CommandError.of(Code.UNKNOWN_COMMAND, "unknown message type '"
                    + type.replaceAll("\\p{Cntrl}", "?") + "'"));
        }
    }

    private void authenticate(ChannelHandlerContext ctx, String token, String sessionId, Long lastSeq) {
        TokenService.Grant g = services.tokens().check(token).orElse(null);
        if (g == null) {
            error(ctx, null, CommandError.of(Code.UNAUTHENTICATED, "invalid or expired token"));
            close(ctx, CLOSE_UNAUTHENTICATED, "invalid or expired token");
            return;
        }
        if (authTimeout != null) {
            authTimeout.cancel(false);
        }
        this.token = g.token();
        services.connections().add(token, ctx.channel());
        if (services.tokens().check(token).isEmpty()) {
            // Revoked between the check above and the registration: the revocation found no connection to close.
            close(ctx, CLOSE_UNAUTHENTICATED, "token revoked");
            return;
        }
        User user = g.user();
        DesktopSession s = services.sessions().find(sessionId);
        if (s != null && !s.user().username().equals(user.username())) {
            s = null; // someone else's session id: never resumed, never revealed
        }
        boolean resuming = s != null && lastSeq != null;
        boolean askedToResume = sessionId != null;
        if (s == null) {
            s = services.sessions().create(user);
        }
        session = s;
        Map<String, Object> welcome = new LinkedHashMap<>();
        welcome.put("type", "welcome");
        welcome.put("session", s.id());
        welcome.put("user", user.username());
        welcome.put("role", user.role());
        welcome.put("queues", List.copyOf(s.queues()));
        write(ctx, welcome);
        DesktopSession attached = s;
        boolean snapshot = s.attach(ctx.channel(), lastSeq == null ? -1 : lastSeq,
                seq -> services.fanout().snapshot(attached, seq, askedToResume), resuming);
        LOG.debug("session {} of {} attached ({})", s.id(), user.username(), snapshot ? "snapshot" : "replayed");
    }

    private void command(ChannelHandlerContext ctx, String id, JsonNode msg) {
        User user = session.user();
        if (!session.limiter().tryAcquire()) {
            CommandError e = CommandError.of(Code.RATE_LIMITED, "more than "
                    + services.config().commandsPerSecond() + " commands per second");
            services.commands().auditRefusal(user, msg.path("command").asText("?"), e);
            error(ctx, id, e, "result");
            return;
        }
        services.commands().handle(user, msg).thenAccept((CommandResult r) -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("type", "result");
            out.put("id", id);
            out.put("ok", r.ok());
            if (r.ok()) {
                out.put("data", r.data());
            } else {
                out.put("error", r.error());
            }
            write(ctx, out);
        });
    }

    private void subscribe(ChannelHandlerContext ctx, String id, JsonNode msg, boolean add) {
        if (msg.has("presence")) {
            presence(ctx, id, msg, add);
            return;
        }
        JsonNode qs = msg.get("queues");
        if (qs == null || !qs.isArray()) {
            error(ctx, id, CommandError.of(Code.MISSING_FIELD, "missing field 'queues' (an array of queue names)"));
            return;
        }
        List<String> queues = new ArrayList<>();
        for (JsonNode q : qs) {
            if (!q.isTextual() || !q.asText().matches("[A-Za-z0-9_.-]{1,64}")) {
                error(ctx, id, CommandError.of(Code.INVALID_FIELD, "queue names are [A-Za-z0-9_.-]{1,64}"));
                return;
            }
            queues.add(q.asText());
        }
        if (add && session.queues().size() + queues.size() > 256) {
            error(ctx, id, CommandError.of(Code.INVALID_FIELD, "at most 256 queue subscriptions"));
            return;
        }
        if (add) {
            services.sessions().subscribe(session, queues);
        } else {
            services.sessions().unsubscribe(session, queues);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", "result");
        out.put("id", id);
        out.put("ok", true);
        out.put("data", Map.of("queues", List.copyOf(session.queues())));
        write(ctx, out);
    }

    /** {@code {"type":"subscribe","presence":true}}: a presence snapshot, then changes (see EventFanout). */
    private void presence(ChannelHandlerContext ctx, String id, JsonNode msg, boolean add) {
        if (!msg.get("presence").isBoolean() || !msg.get("presence").asBoolean()) {
            error(ctx, id, CommandError.of(Code.INVALID_FIELD, "field 'presence' must be true"));
            return;
        }
        // The result first: the snapshot follows as a seq'd event, after any event already on its way.
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", "result");
        out.put("id", id);
        out.put("ok", true);
        out.put("data", Map.of("presence", add));
        write(ctx, out);
        if (add) {
            services.fanout().subscribePresence(session);
        } else {
            services.fanout().unsubscribePresence(session);
        }
    }

    private void error(ChannelHandlerContext ctx, String id, CommandError e) {
        error(ctx, id, e, "error");
    }

    private void error(ChannelHandlerContext ctx, String id, CommandError e, String type) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", type);
        if (id != null) {
            out.put("id", id);
        }
        if (type.equals("result")) {
            out.put("ok", false);
        }
        out.put("error", e);
        write(ctx, out);
    }

    private static void write(ChannelHandlerContext ctx, Object msg) {
        ctx.channel().writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(Http.json(msg))));
    }

    /**
     * Starts the closing handshake. Closing the socket at once would reset it while the desktop's frames are still
     * arriving, and the desktop would see a broken connection instead of the code and reason; the protocol handler
     * closes on the desktop's reply, and this handler after {@link GatewayInitializer#CLOSE_REPLY_MILLIS} when none comes.
     */
    private void close(ChannelHandlerContext ctx, int code, String reason) {
        closing = true;
        ctx.channel().writeAndFlush(new CloseWebSocketFrame(code, reason));
        ctx.executor().schedule(() -> ctx.close(), GatewayInitializer.CLOSE_REPLY_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (token != null) {
            services.connections().remove(token, ctx.channel());
        }
        if (session != null) {
            session.detach(ctx.channel());
        }
        if (authTimeout != null) {
            authTimeout.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedFrameException) {
            // An oversized or malformed frame: the frame decoder has already sent the close (1009 / 1002).
            LOG.debug("WebSocket protocol error: {}", cause.getMessage());
        } else {
            LOG.debug("WebSocket failed", cause);
        }
        ctx.close();
    }

    private static String first(Map<String, List<String>> q, String name) {
        List<String> v = q.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static Long parseSeq(String s) {
        try {
            return s == null ? null : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
