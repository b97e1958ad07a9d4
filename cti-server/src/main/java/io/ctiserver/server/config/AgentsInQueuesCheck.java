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
 * {@code pbx.servers}); a real PBX's queues are compared once its link is up ({@code AgentsInQueuesCheck} is then
 * not the place: the server logs a warning per agent after the first resync).
 */
final class AgentsInQueuesCheck implements ConfigCheck {

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
