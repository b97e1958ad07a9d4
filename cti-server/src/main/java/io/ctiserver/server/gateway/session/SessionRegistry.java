package io.ctiserver.server.gateway.session;

import io.ctiserver.server.gateway.GatewayConfig;
import io.ctiserver.server.gateway.auth.User;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Every desktop session, indexed the way events are routed: by agent interface, by queue, and the set of sessions
 * that see everything (supervisors, admins, integrations).
 */
public final class SessionRegistry {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<DesktopSession> NONE = Set.of();
    public static final int MAX_SESSIONS_PER_USER = 16;

    private final GatewayConfig config;
    private final Map<String, DesktopSession> byId = new ConcurrentHashMap<>();
    private final Map<String, Set<DesktopSession>> byAgent = new ConcurrentHashMap<>();
    private final Map<String, Set<DesktopSession>> byQueue = new ConcurrentHashMap<>();
    private final Set<DesktopSession> everything = ConcurrentHashMap.newKeySet();
    private final Set<DesktopSession> presence = ConcurrentHashMap.newKeySet();
    private final Map<String, Set<DesktopSession>> byUser = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.LongAdder slowConsumerCuts = new java.util.concurrent.atomic.LongAdder();
    private final Outboxes outboxes = new Outboxes();

    private final OutboundBudget budget;

    public SessionRegistry(GatewayConfig config) {
        this.config = config;
        this.budget = new OutboundBudget(config.outboundBudgetBytes(), byId::values);
    }

    /** Bench only: {@code probe} is told of every event frame written from now on (null: none). */
    public void writeProbe(WriteProbe probe) {
        outboxes.probe(probe);
    }

    /** The unwritten bytes all desktops together may hold, and how many they hold now. */
    public OutboundBudget outboundBudget() {
        return budget;
    }

    /**
     * A new session for {@code user}. A user keeps at most {@link #MAX_SESSIONS_PER_USER}: beyond that the oldest
     * detached one is dropped, so that a client reconnecting without its session id cannot pile up buffers.
     */
    public DesktopSession create(User user) {
        evictDetached(user.username());
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        DesktopSession s = new DesktopSession(id, user, config.resumeBufferEvents(),
                TimeUnit.SECONDS.toNanos(config.resumeWindowSeconds()), config.outboundQueueFrames(),
                new RateLimiter(config.commandsPerSecond(), config.commandBurst()), slowConsumerCuts::increment,
                budget, outboxes);
        byId.put(id, s);
        byUser.computeIfAbsent(user.username(), k -> ConcurrentHashMap.newKeySet()).add(s);
        if (user.role().seesEverything()) {
            everything.add(s);
        }
        if (user.iface() != null) {
            byAgent.computeIfAbsent(agentKey(user.pbx(), user.iface()), k -> ConcurrentHashMap.newKeySet()).add(s);
        }
        subscribe(s, user.queues());
        return s;
    }

    private void evictDetached(String username) {
        Set<DesktopSession> own = byUser.getOrDefault(username, NONE);
        while (own.size() >= MAX_SESSIONS_PER_USER) {
            DesktopSession oldest = own.stream().filter(s -> !s.attached())
                    .min(java.util.Comparator.comparingLong(DesktopSession::detachedAtNanos)).orElse(null);
            if (oldest == null) {
                return; // all attached: each holds a live connection, bounded by the connections themselves
            }
            remove(oldest);
        }
    }

    /** Event loops holding an outbox: those with an open desktop connection (tests, the fuzz oracle). */
    public int outboxLoops() {
        return outboxes.size();
    }

    /** Connections cut since start because their desktop did not read (outbound queue full); for metrics. */
    public long slowConsumerCuts() {
        return slowConsumerCuts.sum();
    }

    public DesktopSession find(String id) {
        return id == null ? null : byId.get(id);
    }

    public void subscribe(DesktopSession s, Collection<String> queues) {
        for (String q : queues) {
            if (s.queues().add(q)) {
                byQueue.computeIfAbsent(q, k -> ConcurrentHashMap.newKeySet()).add(s);
            }
        }
    }

    public void unsubscribe(DesktopSession s, Collection<String> queues) {
        for (String q : queues) {
            if (s.queues().remove(q)) {
                Set<DesktopSession> set = byQueue.get(q);
                if (set != null) {
                    set.remove(s);
                }
            }
        }
    }

    /** Sessions that asked for presence ({@code {"type":"subscribe","presence":true}}). */
    public void subscribePresence(DesktopSession s) {
        presence.add(s);
    }

    public void unsubscribePresence(DesktopSession s) {
        presence.remove(s);
    }

    public Set<DesktopSession> presenceSessions() {
        return presence;
    }

    public void remove(DesktopSession s) {
        byId.remove(s.id());
        presence.remove(s);
        Set<DesktopSession> own = byUser.get(s.user().username());
        if (own != null) {
            own.remove(s);
        }
        everything.remove(s);
        if (s.user().iface() != null) {
            Set<DesktopSession> set = byAgent.get(agentKey(s.user().pbx(), s.user().iface()));
            if (set != null) {
                set.remove(s);
            }
        }
        unsubscribe(s, List.copyOf(s.queues()));
    }

    public Set<DesktopSession> agentSessions(String pbx, String iface) {
        return iface == null ? NONE : byAgent.getOrDefault(agentKey(pbx, iface), NONE);
    }

    public Set<DesktopSession> queueSessions(String queue) {
        return queue == null ? NONE : byQueue.getOrDefault(queue, NONE);
    }

    public Set<DesktopSession> everything() {
        return everything;
    }

    public Collection<DesktopSession> all() {
        return byId.values();
    }

    public int size() {
        return byId.size();
    }

    /** Expires sessions detached for longer than the grace period and trims old events from the others. */
    public void sweep(long nowNanos, Consumer<DesktopSession> onExpired) {
        long grace = TimeUnit.SECONDS.toNanos(config.sessionGraceSeconds());
        for (DesktopSession s : byId.values()) {
            if (!s.attached() && nowNanos - s.detachedAtNanos() > grace) {
                remove(s);
                onExpired.accept(s);
            } else {
                s.trim(nowNanos);
            }
        }
    }

    static String agentKey(String pbx, String iface) {
        return pbx + "|" + iface.toLowerCase(Locale.ROOT);
    }
}
