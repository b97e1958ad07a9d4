package io.ctiserver.server.config;

import io.ctiserver.server.gateway.GatewayConfig;
import io.ctiserver.server.gateway.auth.PasswordHash;
import io.ctiserver.server.gateway.auth.Role;
import io.ctiserver.server.gateway.auth.UserConfig;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the gateway's user directory would refuse at start, said before start with the user's key path: a user
 * without username or role, a password that is not a PBKDF2 hash, an agent without iface, a username used twice.
 */
final class GatewayUsersCheck implements ConfigCheck {

    @Override
    public void check(ServerConfig config, List<String> problems) {
        List<UserConfig> users = config.section("gateway", GatewayConfig.class, GatewayConfig.defaults()).users();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < users.size(); i++) {
            UserConfig u = users.get(i);
            String at = "gateway.users[" + i + "]";
            if (u.username() == null || u.username().isBlank()) {
                problems.add(at + ".username: required");
            } else if (!names.add(u.username())) {
                problems.add(at + ".username: '" + u.username() + "' is used twice");
            }
            if (u.role() == null) {
                problems.add(at + ".role: required (agent, supervisor, admin or integration)");
            }
            if (!PasswordHash.isWellFormed(u.password())) {
                problems.add(at + ".password: not a PBKDF2 hash (pbkdf2$ITERATIONS$SALT$HASH); make one with: echo "
                        + "'the-password' | java -cp cti-server.jar io.ctiserver.server.gateway.auth.PasswordHash");
            }
            if (u.role() == Role.AGENT && (u.iface() == null || u.iface().isBlank())) {
                problems.add(at + ".iface: required for an agent (its queue-member interface, e.g. PJSIP/agent1)");
            }
        }
    }
}
