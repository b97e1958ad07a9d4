package io.ctiserver.server.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.ctiserver.events.CtiEvent;
import io.ctiserver.events.CtiEventListener;
import io.ctiserver.events.QueueEntryView;
import io.ctiserver.events.QueueUpdated;
import io.ctiserver.routing.PhoneNumbers;
import io.ctiserver.server.gateway.Json;
import io.ctiserver.server.gateway.StoredData;
import io.ctiserver.server.gateway.auth.User;
import io.ctiserver.server.gateway.commands.CommandError;
import io.ctiserver.server.gateway.commands.CommandError.Code;
import io.ctiserver.server.storage.contacts.DatabaseContactStore;
import io.ctiserver.server.storage.history.CallHistoryStore;
import io.ctiserver.server.storage.history.CallHistoryStore.Visibility;
import io.ctiserver.server.storage.reports.ReportStore;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's view of storage ({@link StoredData}): the history and report endpoints, with their parameters
 * checked (a bad one is a 400 naming it, a range longer than {@code storage.maxReportDays} too), run on two reader
 * threads of their own (a bounded queue: beyond it, 429), and the screen pop's recent calls.
 *
 * <p>Recent calls: registered as a tracker listener, it fetches a caller's last calls when the caller joins a queue
 * ({@code QueueUpdated}), so that when the call rings an agent a moment later the pop is served from memory. A
 * number not fetched yet is looked up with a deadline of {@value #POP_WAIT_MS} ms; past it, the pop goes without.
 */
public final class StorageApi implements StoredData, CtiEventListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StorageApi.class);
    static final int POP_WAIT_MS = 20;
    static final int RECENT = 5;
    private static final long FRESH_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final int CACHE = 20_000;
    private static final Set<String> RESULTS = Set.of("answered", "abandoned", "unanswered", "failed");
    private static final Set<String> MEDIA = Set.of("chat", "email");

    private final Storage storage;
    private final ThreadPoolExecutor readers;
    private final Map<String, Cached> recent = new java.util.LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
            return size() > CACHE;
        }
    };

    private record Cached(List<CallHistoryStore.RecentCall> calls, long at) {
    }

    public StorageApi(Storage storage) {
        this.storage = storage;
        this.readers = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(256), r -> {
            Thread t = new Thread(r, "storage-read");
            t.setDaemon(true);
            return t;
        });
    }

    // ---- recent calls --------------------------------------------------------------------------------------------

    @Override
    public void onEvent(CtiEvent event) {
        if (event instanceof io.ctiserver.events.CallEnded e && e.record().callerNumber() != null) {
            forget(e.record().callerNumber()); // the next pop of this caller must show the call that just ended
        } else if (event instanceof QueueUpdated q) {
            for (QueueEntryView e : q.queue().entries()) {
                String n = PhoneNumbers.normalize(e.callerNumber());
                if (!n.isEmpty() && cached(n) == null) {
                    prefetch(n);
                }
            }
        }
    }

    private Cached cached(String norm) {
        synchronized (recent) {
            Cached c = recent.get(norm);
            return c != null && System.nanoTime() - c.at() < FRESH_NANOS ? c : null;
        }
    }

    private CompletableFuture<List<CallHistoryStore.RecentCall>> prefetch(String norm) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    List<CallHistoryStore.RecentCall> calls = storage.history().recentCalls(norm, RECENT);
                    synchronized (recent) {
                        recent.put(norm, new Cached(calls, System.nanoTime()));
                    }
                    return calls;
                } catch (SQLException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }, readers);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public List<?> recentCalls(String callerNumber) {
        String n = PhoneNumbers.normalize(callerNumber);
        if (n.isEmpty()) {
            return List.of();
        }
        Cached c = cached(n);
        if (c != null) {
            return c.calls();
        }
        try {
            return prefetch(n).get(POP_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    /** The cached recent calls of a number, or null when not fetched (or stale). */
    public List<CallHistoryStore.RecentCall> recentCallsCached(String callerNumber) {
        Cached c = cached(PhoneNumbers.normalize(callerNumber));
        return c == null ? null : c.calls();
    }

    /** Forgets a caller's cached calls (their call just ended: the next pop must show it). */
    public void forget(String callerNumber) {
        synchronized (recent) {
            recent.remove(PhoneNumbers.normalize(callerNumber));
        }
    }

    @Override
    public Object health() {
        return storage.health();
    }

    // ---- endpoints -----------------------------------------------------------------------------------------------

    @Override
    public CompletableFuture<Answer> get(String path, Map<String, List<String>> params, String accept, User user) {
        try {
            return CompletableFuture.supplyAsync(() -> answer(path, params, accept, user), readers);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(error(Code.RATE_LIMITED, "storage is busy; retry"));
        }
    }

    private Answer answer(String path, Map<String, List<String>> params, String accept, User user) {
        try {
            if (path.equals("/api/history/calls")) {
                return json(history(params, user));
            }
            if (path.startsWith("/api/history/calls/")) {
                String id = java.net.URLDecoder.decode(path.substring("/api/history/calls/".length()),
                        StandardCharsets.UTF_8);
                return storage.history().call(id, visibility(user))
                        .map(StorageApi::json)
                        .orElseGet(() -> error(Code.NOT_FOUND, "no stored call '" + id + "' you may see"));
            }
            if (path.equals("/api/history/contacts")) {
                return json(contacts(params, user));
            }
            if (path.startsWith("/api/history/contacts/")) {
                String id = java.net.URLDecoder.decode(path.substring("/api/history/contacts/".length()),
                        StandardCharsets.UTF_8);
                DatabaseContactStore.Visibility v = contactVisibility(user);
                return storage.contacts().stored(id)
                        .filter(c -> v.sees(c.record()))
                        .map(c -> json(Map.of("record", c.record(), "transcript", c.transcript())))
                        .orElseGet(() -> error(Code.NOT_FOUND, "no stored contact '" + id + "' you may see"));
            }
            if (path.equals("/api/reports/intervals")) {
                return intervals(params, accept, user);
            }
            if (path.equals("/api/reports/agents")) {
                if (!user.role().seesEverything()) {
                    return error(Code.FORBIDDEN, "the agent report is for supervisors, admins and integrations");
                }
                Instant[] r = range(params, storage.reports().maxDays());
                List<Map<String, Object>> rows = storage.reports().agents(r[0], r[1], reportMedium(params));
                return wantsCsv(accept) ? csv(rows) : json(Map.of("from", r[0], "to", r[1], "agents", rows));
            }
            return error(Code.NOT_FOUND, "no endpoint " + path);
        } catch (BadParameter e) {
            return error(Code.INVALID_FIELD, e.getMessage());
        } catch (IllegalArgumentException e) {
            return error(Code.INVALID_FIELD, e.getMessage());
        } catch (SQLException e) {
            LOG.warn("storage query {} failed: {}", path, e.toString());
            return error(Code.PBX_UNAVAILABLE, "the database did not answer; retry later");
        }
    }

    private Object history(Map<String, List<String>> p, User user) throws SQLException {
        Instant[] r = range(p, storage.history().maxDays());
        String result = text(p, "result");
        if (result != null && !RESULTS.contains(result)) {
            throw new BadParameter("result: one of answered, abandoned, unanswered, failed");
        }
        int limit = integer(p, "limit", 50, 1, CallHistoryStore.MAX_LIMIT);
        CallHistoryStore.Page page = storage.history().calls(new CallHistoryStore.Query(r[0], r[1],
                text(p, "number"), text(p, "agent"), text(p, "queue"), result, limit, text(p, "cursor"),
                visibility(user)));
        return page;
    }

    private Object contacts(Map<String, List<String>> p, User user) throws SQLException {
        Instant[] r = range(p, storage.contacts().maxDays());
        String medium = text(p, "medium");
        if (medium != null && !MEDIA.contains(medium)) {
            throw new BadParameter("medium: one of chat, email (calls are in /api/history/calls)");
        }
        int limit = integer(p, "limit", 50, 1, DatabaseContactStore.MAX_LIMIT);
        return storage.contacts().contacts(new DatabaseContactStore.Query(r[0], r[1], medium, text(p, "agent"),
                text(p, "queue"), text(p, "customer"), limit, text(p, "cursor"), contactVisibility(user)));
    }

    /** Chats and emails belong to agents by username (calls by interface). */
    private static DatabaseContactStore.Visibility contactVisibility(User u) {
        return u.role().seesEverything() ? DatabaseContactStore.Visibility.ALL
                : new DatabaseContactStore.Visibility(u.username(), u.queues());
    }

    private Answer intervals(Map<String, List<String>> p, String accept, User user) throws SQLException {
        Instant[] r = range(p, storage.reports().maxDays());
        String queue = text(p, "queue");
        String agent = text(p, "agent");
        if (!user.role().seesEverything() && (agent == null || !agent.equals(user.iface()))) {
            return error(Code.FORBIDDEN, "agents read their own interval report only: agent=" + user.iface());
        }
        String interval = text(p, "interval");
        long step = switch (interval == null ? "15m" : interval) {
            case "15m" -> Duration.ofMinutes(15).toMillis();
            case "1h" -> Duration.ofHours(1).toMillis();
            case "1d" -> Duration.ofDays(1).toMillis();
            default -> throw new BadParameter("interval: one of 15m, 1h, 1d");
        };
        String medium = reportMedium(p);
        List<Map<String, Object>> rows = storage.reports().intervals(r[0], r[1], queue, agent, medium, step);
        if (wantsCsv(accept)) {
            return csv(rows);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("from", r[0]);
        body.put("to", r[1]);
        body.put("interval", interval == null ? "15m" : interval);
        if (medium != null) {
            body.put("medium", medium);
        }
        body.put("serviceLevelSeconds", storage.config().serviceLevelSeconds());
        body.put("serviceLevelTargetPercent", storage.config().serviceLevelTargetPercent());
        body.put("rows", rows);
        return json(body);
    }

    /** The reports' {@code medium}: one of voice, chat, email; absent: every medium, each in rows of its own. */
    private static String reportMedium(Map<String, List<String>> p) {
        String medium = text(p, "medium");
        if (medium != null && !ReportStore.MEDIA.contains(medium)) {
            throw new BadParameter("medium: one of voice, chat, email (absent: every medium, in rows of its own)");
        }
        return medium;
    }

    private static Visibility visibility(User u) {
        return u.role().seesEverything() ? Visibility.ALL
                : new Visibility(u.iface() == null ? "" : u.iface(), u.queues());
    }

    // ---- parameters ----------------------------------------------------------------------------------------------

    /** A query parameter that cannot be used; the message starts with its name. */
    static final class BadParameter extends IllegalArgumentException {
        BadParameter(String message) {
            super(message);
        }
    }

    /** from/to as ISO instants or dates (UTC midnight); default the last 24 h; at most {@code maxDays} long. */
    static Instant[] range(Map<String, List<String>> p, int maxDays) {
        Instant to = instant(p, "to");
        Instant from = instant(p, "from");
        if (to == null) {
            to = from == null ? Instant.now() : from.plus(Duration.ofDays(1));
        }
        if (from == null) {
            from = to.minus(Duration.ofDays(1));
        }
        if (!from.isBefore(to)) {
            throw new BadParameter("from: must be before to");
        }
        if (Duration.between(from, to).compareTo(Duration.ofDays(maxDays)) > 0) {
            throw new BadParameter("to: the range from " + from + " to " + to + " is longer than the " + maxDays
                    + " days allowed (storage.maxReportDays)");
        }
        return new Instant[] {from, to};
    }

    private static Instant instant(Map<String, List<String>> p, String name) {
        String v = text(p, name);
        if (v == null) {
            return null;
        }
        try {
            return v.length() == 10 ? LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new BadParameter(name + ": not an ISO-8601 instant (2026-11-23T10:00:00Z) or date (2026-11-23)");
        }
    }

    private static int integer(Map<String, List<String>> p, String name, int dflt, int min, int max) {
        String v = text(p, name);
        if (v == null) {
            return dflt;
        }
        try {
            int i = Integer.parseInt(v);
            if (i < min || i > max) {
                throw new BadParameter(name + ": must be " + min + ".." + max);
            }
            return i;
        } catch (NumberFormatException e) {
            throw new BadParameter(name + ": not a whole number");
        }
    }

    private static String text(Map<String, List<String>> p, String name) {
        List<String> v = p.get(name);
        if (v == null || v.isEmpty() || v.get(0).isEmpty()) {
            return null;
        }
        String s = v.get(0);
        if (s.length() > 128 || s.chars().anyMatch(Character::isISOControl)) {
            throw new BadParameter(name + ": at most 128 characters, no control characters");
        }
        return s;
    }

    // ---- answers -------------------------------------------------------------------------------------------------

    private static boolean wantsCsv(String accept) {
        return accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains("text/csv");
    }

    private static Answer json(Object body) {
        try {
            return new Answer(200, "application/json", Json.MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Answer error(Code code, String message) {
        try {
            return new Answer(code.httpStatus, "application/json", Json.MAPPER.writeValueAsBytes(
                    Map.of("ok", false, "error", CommandError.of(code, message))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 4180: a header line of the row keys, then one line per row; nested values as JSON text. */
    static Answer csv(List<Map<String, Object>> rows) {
        StringBuilder sb = new StringBuilder();
        if (!rows.isEmpty()) {
            sb.append(String.join(",", rows.get(0).keySet())).append("\r\n");
            for (Map<String, Object> row : rows) {
                boolean first = true;
                for (Object v : row.values()) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    sb.append(cell(v));
                }
                sb.append("\r\n");
            }
        }
        return new Answer(200, "text/csv; charset=utf-8", sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String cell(Object v) {
        if (v == null) {
            return "";
        }
        String s;
        if (v instanceof Map<?, ?> || v instanceof List<?>) {
            try {
                s = Json.MAPPER.writeValueAsString(v);
            } catch (JsonProcessingException e) {
                s = v.toString();
            }
        } else if (v instanceof Double d) {
            s = String.format(java.util.Locale.ROOT, "%.2f", d);
        } else {
            s = v.toString();
        }
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            s = '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    @Override
    public void close() {
        readers.shutdownNow();
    }
}
