package io.ctiserver.server.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctiserver.events.CallView;
import io.ctiserver.events.CtiStateView;
import io.ctiserver.kpi.KpiSnapshot;
import io.ctiserver.server.gateway.Json;
import io.ctiserver.server.gateway.auth.LoginThrottle;
import io.ctiserver.server.gateway.auth.TokenService;
import io.ctiserver.server.gateway.auth.User;
import io.ctiserver.server.gateway.commands.CommandError;
import io.ctiserver.server.gateway.commands.CommandError.Code;
import io.ctiserver.server.gateway.commands.CommandResult;
import io.ctiserver.server.gateway.events.EventFanout;
import io.ctiserver.server.gateway.session.RateLimiter;
import io.ctiserver.server.metrics.Operations;
import io.ctiserver.server.metrics.Readiness;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * REST under {@code /api} and static files elsewhere. Reads come from the state view (immutable snapshots); commands
 * go through the same {@code CommandHandler} as the WebSocket; login runs PBKDF2 on a small executor, off the event
 * loop.
 */
@ChannelHandler.Sharable
public final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

    private final GatewayServices services;
    private final StaticFiles staticFiles;
    private final byte[] openApi;
    private final Map<String, RateLimiter> restLimiters = new ConcurrentHashMap<>();
    /** Every authenticated request of a user, reads included: five times the command rate, as a WebSocket's. */
    private final Map<String, RateLimiter> requestLimiters = new ConcurrentHashMap<>();
    private final LoginThrottle throttle;

    public ApiHandler(GatewayServices services) {
        this.services = services;
        this.staticFiles = StaticFiles.load(services.config().staticDir());
        this.throttle = new LoginThrottle(services.users());
        try (InputStream in = ApiHandler.class.getResourceAsStream("/gateway/openapi.json")) {
            this.openApi = in == null ? "{}".getBytes() : in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the bundled openapi.json", e);
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (!req.decoderResult().isSuccess()) {
            Http.sendError(ctx, false, CommandError.of(Code.INVALID_FIELD, "malformed HTTP request"));
            return;
        }
        String path;
        try {
            path = new QueryStringDecoder(req.uri()).path();
        } catch (IllegalArgumentException e) {
            Http.sendError(ctx, keepAlive, CommandError.of(Code.INVALID_FIELD, "malformed URI: " + e.getMessage()));
            return;
        }
        if (path.equals("/metrics")) {
            metrics(ctx, req, keepAlive);
            return;
        }
        if (!path.startsWith("/api/") && !path.equals("/api")) {
            serveStatic(ctx, req, path, keepAlive);
            return;
        }
        try {
            route(ctx, req, path, keepAlive);
        } catch (MalformedQuery e) {
            Http.sendError(ctx, keepAlive, CommandError.of(Code.INVALID_FIELD, e.getMessage()));
        } catch (RuntimeException e) {
            LOG.warn("REST {} {} failed", req.method(), path, e);
            Http.sendError(ctx, keepAlive, CommandError.of(Code.INTERNAL, "internal error"));
        }
    }

    private void route(ChannelHandlerContext ctx, FullHttpRequest req, String path, boolean keepAlive) {
        HttpMethod m = req.method();
        if (path.equals("/api/health") && m.equals(HttpMethod.GET)) {
            health(ctx, keepAlive);
            return;
        }
        if (path.equals("/api/ready") && m.equals(HttpMethod.GET)) {
            ready(ctx, keepAlive);
            return;
        }
        if (path.equals("/api/openapi.json") && m.equals(HttpMethod.GET)) {
            Http.send(ctx, keepAlive, HttpResponseStatus.OK, openApi, "application/json");
            return;
        }
        if (path.equals("/api/login")) {
            if (!m.equals(HttpMethod.POST)) {
                methodNotAllowed(ctx, keepAlive, "POST");
                return;
            }
            login(ctx, req, keepAlive);
            return;
        }
        TokenService.Grant grant = bearer(req);
        if (grant == null) {
            Http.sendError(ctx, keepAlive, CommandError.of(Code.UNAUTHENTICATED,
                    "log in first: POST /api/login, then send 'Authorization: Bearer TOKEN'"));
            return;
        }
        User user = grant.user();
        RateLimiter requests = requestLimiters.computeIfAbsent(user.username(), k -> new RateLimiter(
                services.config().commandsPerSecond() * 5, services.config().commandBurst() * 5));
        if (!requests.tryAcquire()) {
            Http.sendError(ctx, keepAlive, CommandError.of(Code.RATE_LIMITED, "more than "
                    + services.config().commandsPerSecond() * 5 + " requests per second"));
            return;
        }
        CtiStateView state = services.state();
        if (path.equals("/api/logout") && m.equals(HttpMethod.POST)) {
            services.tokens().revoke(grant.token());
            Http.sendJson(ctx, keepAlive, HttpResponseStatus.OK, Map.of("ok", true));
        } else if (path.equals("/api/commands")) {
            if (!m.equals(HttpMethod.POST)) {
                methodNotAllowed(ctx, keepAlive, "POST");
                return;
            }
            command(ctx, req, user, keepAlive);
        } else if (!m.equals(HttpMethod.GET)) {
            methodNotAllowed(ctx, keepAlive, "GET");
        } else if (path.equals("/api/calls")) {
            Http.sendJson(ctx, keepAlive, HttpResponseStatus.OK,
                    state.calls().stream().filter(c -> visible(c, user)).collect(Collectors.toList()));
        } else if (path.startsWith("/api/calls/")) {
            String id = path.substring("/api/calls/".length()); // path() has decoded it already
            CallView c = state.call(id).filter(v -> visible(v, user)).orElse(null);
            if (c == null) {
                Http.sendError(ctx, keepAlive, CommandError.of(Code.NOT_FOUND, "no live call '" + id + "'"));
            } else {
                Http.sendJson(ctx, keepAlive, HttpResponseStatus.OK, c);
            }
        } else if (path.equals("/api/kpis")) {
            kpis(ctx, user, keepAlive);
        } else if (path.equals("/api/route")) {
            whatIf(ctx, req, user, keepAlive);
        } else if (path.equals("/api/desktop/settings")) {
            desktopSettings(ctx, user, keepAlive);
        } else if (path.equals("/api/agents")) {
            // The same rule as the WebSocket's snapshot: an agent reads its own entry, the others everyone's.
            Http.sendJson(ctx, keepAlive, HttpResponseStatus.OK, state.agents().stream()
                    .filter(a -> user.role().seesEverything() || (user.iface() != null
                            && user.iface().equalsIgnoreCase(a.iface()) && user.pbx().equals(a.pbx())))
                    .collect(Collectors.toList()));
        } else if (path.equals("/api/presence")) {
            Http.sendJson(ctx, keepAlive, HttpResponseStatus.OK, services.fanout().presence().linesFor(user));
        } else if (path.equals("/api/queues")) {
            Http.sendJson(ctx, keepAlive, HttpResponseStatus.OK, state.queues().stream()
                    .filter(q -> user.role().seesEverything() || user.queues().contains(q.name()))
                    .collect(Collectors.toList()));
        } else if (path.startsWith("/api/history/") || path.startsWith("/api/reports/")) {
            stored(ctx, req, path, user, keepAlive);
        } else {
            Http.sendError(ctx, keepAlive, CommandError.of(Code.NOT_FOUND, "no endpoint " + path));
        }
    }

    /** What the web desktop offers (pause reasons, wrap-up codes, sales outcomes) and the wallboard's SL target. */
    private void desktopSettings(ChannelHandlerContext ctx, User user, boolean keepAlive) {
        Map<String, Object> body = new LinkedHashMap<>();
        var d = services.config().desktop();
        body.put("pauseReasons", d.pauseReasons());
        body.put("wrapUpCodes", d.wrapUpCodes());
        body.put("salesOutcomes", d.salesOutcomes());
        body.put("salesQueues", d.salesQueues());
        body.put("serviceLevelTargetPercent", d.serviceLevelTargetPercent());
        body.put("crmUrlTemplate", services.config().crmUrlTemplate());
        if (user.role().supervises()) {
            // The wallboard names agents in commands by user name; the state view knows them by interface.
            body.put("agentUsers", services.users().all().stream().filter(u -> u.iface() != null)
                    .map(u -> Map.of("username", u.username(), "pbx", u.pbx(), "iface", u.iface()))
                    .collect(Collectors.toList()));
        }
        Http.sendJson(ctx, keepAlive, HttpResponseStatus.OK, body);
    }

    /** Supervisors, admins and integrations read every figure; an agent reads their own. */
    private void kpis(ChannelHandlerContext ctx, User user, boolean keepAlive) {
        KpiSnapshot snap = services.reports().kpis();
        if (snap == null) {
            Http.sendError(ctx, keepAlive, CommandError.of(Code.NOT_FOUND, "no KPI engine runs on this server"));
        } else if (user.role().seesEverything()) {
            Object media = services.reports().mediaKpis();
            if (media == null) {
                Http.sendJson(ctx, keepAlive, HttpResponseStatus.OK, snap);
            } else { // the same per-medium figures as the kpi event's media
                ObjectNode body = Json.MAPPER.valueToTree(snap);
                body.set("media", Json.MAPPER.valueToTree(media));
                Http.sendJson(ctx, keepAlive, HttpResponseStatus.OK, body);
            }
        } else {
            Map<String, Object> own = new LinkedHashMap<>();
            own.put("asOf", snap.asOf());
            own.put("agent", snap.agent(user.iface()).orElse(null));
            Http.sendJson(ctx, keepAlive, HttpResponseStatus.OK, own);
        }
    }

    /**
     * {@code GET /api/route?number=N[&time=T][&dialed=D][&IVR_CHOICE=2...]}: routing's decision for a call that is
     * not placed. Any parameter besides number, time and dialed is an IVR variable. Answered when the decision is
     * made, off the event loop.
     */
    private void whatIf(ChannelHandlerContext ctx, FullHttpRequest req, User user, boolean keepAlive) {
        if (!user.role().seesEverything()) {
            Http.sendError(ctx, keepAlive, CommandError.of(Code.FORBIDDEN, "the routing what-if is for supervisors, "
                    + "admins and integrations"));
            return;
        }
        Map<String, List<String>> q = parameters(req);
        String number = first(q, "number");
        if (number == null || number.isBlank()) {
            Http.sendError(ctx, keepAlive, CommandError.of(Code.MISSING_FIELD, "missing query parameter 'number'"));
            return;
        }
        Map<String, String> ivr = new LinkedHashMap<>();
        q.forEach((k, v) -> {
            if (!k.equals("number") && !k.equals("time") && !k.equals("dialed") && !v.isEmpty()) {
                ivr.put(k, v.get(0));
            }
        });
        services.reports().whatIf(number, first(q, "time"), first(q, "dialed"), ivr).whenComplete((d, e) -> {
            if (e == null) {
                Http.sendJson(ctx, keepAlive, HttpResponseStatus.OK, d);
                return;
            }
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                    ? e.getCause() : e;
            if (cause instanceof IllegalArgumentException) {
                Http.sendError(ctx, keepAlive, CommandError.of(Code.INVALID_FIELD, cause.getMessage()));
            } else if (cause instanceof RejectedExecutionException) {
                // the what-if pool and its queue are full: the client's to retry, not a server fault
                Http.sendBusy(ctx, keepAlive, CommandError.of(Code.RATE_LIMITED, cause.getMessage()), 1);
            } else if (cause instanceof UnsupportedOperationException) {
                Http.sendError(ctx, keepAlive, CommandError.of(Code.NOT_FOUND, cause.getMessage()));
            } else {
                LOG.warn("route what-if for {} failed", number, cause);
                Http.sendError(ctx, keepAlive, CommandError.of(Code.INTERNAL, "the what-if failed: " + cause));
            }
        });
    }

    /** A query string Netty cannot decode (a bad %-escape) is the client's error, not ours. */
    private static final class MalformedQuery extends RuntimeException {
        MalformedQuery(String message) {
            super(message, null, false, false);
        }
    }

    private static Map<String, List<String>> parameters(FullHttpRequest req) {
        try {
            return new QueryStringDecoder(req.uri()).parameters();
        } catch (IllegalArgumentException e) {
            throw new MalformedQuery("malformed query string: " + e.getMessage());
        }
    }

    /** History and reports: the queries run on storage's threads, the answer is written when they complete. */
    private void stored(ChannelHandlerContext ctx, FullHttpRequest req, String path, User user, boolean keepAlive) {
        Map<String, List<String>> q = parameters(req);
        services.stored().get(path, q, req.headers().get(HttpHeaderNames.ACCEPT), user).whenComplete((a, e) -> {
            if (e != null) {
                LOG.warn("GET {} failed", path, e);
                Http.sendError(ctx, keepAlive, CommandError.of(Code.INTERNAL, "the query failed"));
            } else {
                Http.send(ctx, keepAlive, HttpResponseStatus.valueOf(a.status()), a.body(), a.contentType());
            }
        });
    }

    private static String first(Map<String, List<String>> q, String name) {
        List<String> v = q.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** Agents read their own calls and those of their configured queues; everyone else reads all. */
    private static boolean visible(CallView c, User u) {
        return u.role().seesEverything() || EventFanout.involves(c, u)
                || (c.queue() != null && u.queues().contains(c.queue()));
    }

    private void health(ChannelHandlerContext ctx, boolean keepAlive) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        body.put("time", Instant.now());
        body.put("sessions", services.sessions().size());
        body.put("attached", services.sessions().all().stream().filter(s -> s.attached()).count());
        body.put("eventsDispatched", services.fanout().dispatched());
        body.put("eventsDropped", services.fanout().dropped());
        body.put("eventsCoalesced", services.fanout().coalesced());
        body.put("inboxEvents", services.fanout().inboxEvents());
        body.put("inboxBytes", services.fanout().inboxBytes());
        Object storage = services.stored().health();
        if (storage != null) {
            body.put("storage", storage);
        }
        Http.sendJson(ctx, keepAlive, HttpResponseStatus.OK, body);
    }

    /** Readiness: 200 when every check is ready (AMI links, FastAGI, storage when configured), else 503. */
    private void ready(ChannelHandlerContext ctx, boolean keepAlive) {
        Readiness.Report r = services.operations().readiness();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", r.ready() ? "ready" : "not ready");
        body.put("checks", r.checks());
        Http.sendJson(ctx, keepAlive, r.ready() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                body);
    }

    /** Prometheus text; behind a bearer token when {@code metrics.token} is set. */
    private void metrics(ChannelHandlerContext ctx, FullHttpRequest req, boolean keepAlive) {
        if (!req.method().equals(HttpMethod.GET)) {
            methodNotAllowed(ctx, keepAlive, "GET");
            return;
        }
        Operations ops = services.operations();
        String token = ops.metricsToken();
        if (token != null && !constantTimeEquals("Bearer " + token, req.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            Http.sendError(ctx, keepAlive, CommandError.of(Code.UNAUTHENTICATED,
                    "metrics need 'Authorization: Bearer TOKEN' (metrics.token)"));
            return;
        }
        String text = ops.scrape();
        if (text == null) {
            Http.sendError(ctx, keepAlive, CommandError.of(Code.NOT_FOUND, "metrics are off (metrics.enabled)"));
            return;
        }
        Http.send(ctx, keepAlive, HttpResponseStatus.OK, text.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "text/plain; version=0.0.4; charset=utf-8");
    }

    private static boolean constantTimeEquals(String expected, String given) {
        return given != null && java.security.MessageDigest.isEqual(
                expected.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                given.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private void login(ChannelHandlerContext ctx, FullHttpRequest req, boolean keepAlive) {
        JsonNode body = parse(req);
        if (body == null || !body.isObject()) {
            Http.sendError(ctx, keepAlive, CommandError.of(Code.INVALID_JSON,
                    "the body must be a JSON object {\"username\": ..., \"password\": ...}"));
            return;
        }
        JsonNode u = body.get("username");
        JsonNode p = body.get("password");
        if (u == null || !u.isTextual() || p == null || !p.isTextual()) {
            Http.sendError(ctx, keepAlive, CommandError.of(Code.MISSING_FIELD, "username and password are required"));
            return;
        }
        String username = u.asText();
        if (throttle.blocked(username)) {
            services.commands().auditRefusal(null, "login " + auditName(username),
                    CommandError.of(Code.RATE_LIMITED, "too many failed logins"));
            Http.sendError(ctx, keepAlive, CommandError.of(Code.RATE_LIMITED,
                    "too many failed logins for this user; wait a minute"));
            return;
        }
        char[] password = p.asText().toCharArray();
        try {
            services.loginExecutor().execute(() -> {
                var user = services.users().authenticate(username, password);
                if (user.isEmpty()) {
                    throttle.failed(username);
                    services.commands().auditRefusal(null, "login " + auditName(username),
                            CommandError.of(Code.UNAUTHENTICATED, "bad credentials"));
                    Http.sendError(ctx, keepAlive, CommandError.of(Code.UNAUTHENTICATED, "wrong username or password"));
                    return;
                }
                throttle.succeeded(username);
                TokenService.Grant g = services.tokens().issue(user.get());
                services.commands().auditLogin(user.get());
                Map<String, Object> res = new LinkedHashMap<>();
                res.put("token", g.token());
                res.put("expiresAt", g.expiresAt());
                res.put("user", Map.of("username", g.user().username(), "role", g.user().role()));
                Http.sendJson(ctx, keepAlive, HttpResponseStatus.OK, res);
            });
        } catch (RejectedExecutionException e) {
            Http.sendError(ctx, keepAlive, CommandError.of(Code.RATE_LIMITED, "too many logins at once; retry"));
        }
    }

    private void command(ChannelHandlerContext ctx, FullHttpRequest req, User user, boolean keepAlive) {
        JsonNode body = parse(req);
        if (body == null) {
            Http.sendError(ctx, keepAlive, CommandError.of(Code.INVALID_JSON, "the body is not valid JSON"));
            return;
        }
        RateLimiter limiter = restLimiters.computeIfAbsent(user.username(),
                k -> new RateLimiter(services.config().commandsPerSecond(), services.config().commandBurst()));
        if (!limiter.tryAcquire()) {
            CommandError e = CommandError.of(Code.RATE_LIMITED, "more than "
                    + services.config().commandsPerSecond() + " commands per second");
            services.commands().auditRefusal(user, body.path("command").asText("?"), e);
            Http.sendError(ctx, keepAlive, e);
            return;
        }
        services.commands().handle(user, body).thenAccept((CommandResult r) -> {
            if (r.ok()) {
                Http.sendJson(ctx, keepAlive, HttpResponseStatus.OK, Map.of("ok", true, "data", r.data()));
            } else {
                Http.sendError(ctx, keepAlive, r.error());
            }
        });
    }

    private TokenService.Grant bearer(FullHttpRequest req) {
        String h = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return services.tokens().check(h.substring(7).trim()).orElse(null);
    }

    private static JsonNode parse(FullHttpRequest req) {
        try (InputStream in = new ByteBufInputStream(req.content())) {
            return Json.MAPPER.readTree(in);
        } catch (IOException e) {
            return null;
        }
    }

    private void serveStatic(ChannelHandlerContext ctx, FullHttpRequest req, String path, boolean keepAlive) {
        if (!req.method().equals(HttpMethod.GET) && !req.method().equals(HttpMethod.HEAD)) {
            methodNotAllowed(ctx, keepAlive, "GET");
            return;
        }
        StaticFiles.File f = staticFiles.get(path);
        if (f == null) {
            Http.sendError(ctx, keepAlive, CommandError.of(Code.NOT_FOUND, "no file " + path));
            return;
        }
        Http.send(ctx, keepAlive, HttpResponseStatus.OK,
                req.method().equals(HttpMethod.HEAD) ? new byte[0] : f.bytes(), f.contentType());
    }

    private static void methodNotAllowed(ChannelHandlerContext ctx, boolean keepAlive, String allowed) {
        Http.sendJson(ctx, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED, Map.of("ok", false, "error",
                CommandError.of(Code.INVALID_FIELD, "method not allowed; use " + allowed)));
    }

    /**
     * The name a failed login is audited under: a configured user's name, else "(unknown user)". People type their
     * password into the user name box; an unknown name is never kept.
     */
    private String auditName(String username) {
        return services.users().byName(username).isPresent() ? safe(username) : "(unknown user)";
    }

    private static String safe(String s) {
        String clean = s.replaceAll("[^A-Za-z0-9_.@-]", "?");
        return clean.length() > 40 ? clean.substring(0, 40) : clean;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("HTTP connection failed", cause);
        ctx.close();
    }
}
