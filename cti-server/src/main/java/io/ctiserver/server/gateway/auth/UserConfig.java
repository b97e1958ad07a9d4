package io.ctiserver.server.gateway.auth;

import io.ctiserver.config.Secret;

import java.util.List;

/**
 * One user in the {@code gateway.users} config list.
 *
 * @param username         login name
 * @param password         PBKDF2 hash from {@link PasswordHash#hash}: {@code pbkdf2$ITERATIONS$SALT$HASH}; never clear text
 * @param role             agent, supervisor, admin or integration
 * @param iface            an agent's queue-member interface, e.g. {@code Local/201@agents/n} or {@code PJSIP/agent1}
 * @param memberName       an agent's MemberName, e.g. {@code Agent 201}
 * @param device           the channel to ring for click-to-dial and supervision (default: {@code iface})
 * @param stateInterface   StateInterface for QueueAdd (optional)
 * @param pbx              the PBX this user lives on (default: {@code gateway.defaultPbx})
 * @param queues           queues whose events the user receives by default (besides their own calls)
 * @param mayDialForAgents an integration may originate calls for agents
 * @param dialForAgents    the usernames it may dial for; empty means every agent
 */
public record UserConfig(
        String username,
        @Secret String password,
        Role role,
        String iface,
        String memberName,
        String device,
        String stateInterface,
        String pbx,
        List<String> queues,
        boolean mayDialForAgents,
        List<String> dialForAgents) {

    public UserConfig {
        queues = queues == null ? List.of() : List.copyOf(queues);
        dialForAgents = dialForAgents == null ? List.of() : List.copyOf(dialForAgents);
    }

    public static UserConfig agent(String username, String passwordHash, String iface, String memberName) {
        return new UserConfig(username, passwordHash, Role.AGENT, iface, memberName, null, null, null, null, false, null);
    }

    public static UserConfig of(String username, String passwordHash, Role role) {
        return new UserConfig(username, passwordHash, role, null, null, null, null, null, null, false, null);
    }

    public UserConfig withDevice(String newDevice) {
        return new UserConfig(username, password, role, iface, memberName, newDevice, stateInterface, pbx, queues,
                mayDialForAgents, dialForAgents);
    }

    public UserConfig withDialForAgents(List<String> agents) {
        return new UserConfig(username, password, role, iface, memberName, device, stateInterface, pbx, queues,
                true, agents);
    }

    public UserConfig withQueues(List<String> newQueues) {
        return new UserConfig(username, password, role, iface, memberName, device, stateInterface, pbx, newQueues,
                mayDialForAgents, dialForAgents);
    }

    /** Never prints the hash. */
    @Override
    public String toString() {
        return "UserConfig[" + username + ", " + role + ", " + iface + "]";
    }
}
