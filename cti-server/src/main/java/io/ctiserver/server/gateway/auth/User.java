package io.ctiserver.server.gateway.auth;

import java.util.List;

/** An authenticated user, as commands and subscriptions see it (no password). */
public record User(String username, Role role, String iface, String memberName, String device, String stateInterface,
                   String pbx, List<String> queues, boolean mayDialForAgents, List<String> dialForAgents) {

    public User {
        queues = List.copyOf(queues);
        dialForAgents = List.copyOf(dialForAgents);
    }

    static User from(UserConfig c, String defaultPbx) {
        return new User(c.username(), c.role(), c.iface(), c.memberName(),
                c.device() != null ? c.device() : c.iface(), c.stateInterface(),
                c.pbx() != null ? c.pbx() : defaultPbx, c.queues(), c.mayDialForAgents(), c.dialForAgents());
    }

    public boolean isAgent() {
        return role == Role.AGENT;
    }
}
