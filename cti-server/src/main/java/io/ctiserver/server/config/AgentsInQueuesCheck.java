package io.ctiserver.server.config;

import io.ctiserver.server.ami.AmiClientConfig;
import io.ctiserver.server.gateway.GatewayConfig;
import io.ctiserver.server.gateway.auth.Role;
import io.ctiserver.server.gateway.auth.UserConfig;
import io.ctiserver.server.sim.SimConfig;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An agent whose interface is a member of no queue can log in but never gets a queue call: nearly always a typo in
 * {@code iface}. The queues are known before start-up only for the in-process simulator (demo mode with no
 * {@code pbx.servers}); a real PBX's queues are compared once its link is up: {@link #afterResync} logs a warning per
 * such agent after each PBX's first resync (the server is running by then, so it warns rather than exits).
 */
public final class AgentsInQueuesCheck implements ConfigCheck {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AgentsInQueuesCheck.class);

    /**
     * A listener for a PBX's tracker: at its first {@code StateReconciled} (the queues are then known from
     * QueueStatus), warns about every agent of that PBX whose interface is a member of none of its queues.
     */
    public static io.ctiserver.events.CtiEventListener afterResync(List<UserConfig> users, String defaultPbx,
                                                                   io.ctiserver.events.CtiStateView state,
                                                                   java.util.concurrent.Executor pbxExecutor) {
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        return event -> {
            if (event instanceof io.ctiserver.events.StateReconciled r && done.compareAndSet(false, true)) {
                // queued behind the message being processed, so that the state view shows the reconciled queues
                pbxExecutor.execute(() -> warn(users, defaultPbx, state, r.pbx()));
            }
        };
    }

    private static void warn(List<UserConfig> users, String defaultPbx, io.ctiserver.events.CtiStateView state,
                             String pbx) {
        Set<String> members = new LinkedHashSet<>();
        Set<String> queues = new LinkedHashSet<>();
        state.queues().stream().filter(q -> pbx.equals(q.pbx())).forEach(q -> {
            queues.add(q.name());
            q.members().forEach(m -> members.add(m.iface()));
        });
        for (int i = 0; i < users.size(); i++) {
            UserConfig u = users.get(i);
            String userPbx = u.pbx() == null ? defaultPbx : u.pbx();
            if (u.role() == Role.AGENT && u.iface() != null && pbx.equals(userPbx) && !members.contains(u.iface())) {
                LOG.warn("gateway.users[{}].iface: '{}' (user {}) is a member of no queue of PBX {} (its queues: {}); "
                        + "the agent can log in but gets no queue calls until added", i, u.iface(), u.username(), pbx,
                        queues);
            }
        }
    }

    @Override
    public void check(ServerConfig config, List<String> problems) {
        SimConfig sim = config.section("sim", SimConfig.class, null);
        boolean simIsThePbx = sim != null && !Boolean.FALSE.equals(sim.enabled())
                && config.section(AmiClientConfig.SECTION, AmiClientConfig.class, AmiClientConfig.none())
                        .servers().isEmpty();
        if (!simIsThePbx) {
            return;
        }
        Set<String> members = new LinkedHashSet<>();
        Set<String> queues = new LinkedHashSet<>();
        for (SimConfig.QueueConfig q : sim.withDefaults().queues()) {
            queues.add(q.name());
            if (q.members() != null) {
                q.members().forEach(m -> members.add(m.iface()));
            }
        }
        List<UserConfig> users = config.section("gateway", GatewayConfig.class, GatewayConfig.defaults()).users();
        for (int i = 0; i < users.size(); i++) {
            UserConfig u = users.get(i);
            if (u.role() == Role.AGENT && u.iface() != null && !members.contains(u.iface())) {
                problems.add("gateway.users[" + i + "].iface: '" + u.iface() + "' (user " + u.username()
                        + ") is a member of no queue of the PBX (the simulator's queues " + queues + " have "
                        + members + ")");
            }
        }
    }
}
