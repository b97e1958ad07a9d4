package io.ctiserver.server.gateway.auth;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The configured users, checked once at startup. */
public final class UserDirectory {

    private final Map<String, UserConfig> configs = new LinkedHashMap<>();
    private final Map<String, User> users = new LinkedHashMap<>();
    /** A hash to verify against when the user is unknown, so that a wrong name costs as much time as a wrong password. */
    private final String decoyHash = PasswordHash.hash("decoy".toCharArray(), 10_000);

    public UserDirectory(List<UserConfig> list, String defaultPbx) {
        for (UserConfig c : list) {
            if (c.username() == null || c.username().isBlank() || c.role() == null) {
                throw new IllegalArgumentException("gateway.users: every user needs a username and a role");
            }
            if (!PasswordHash.isWellFormed(c.password())) {
                throw new IllegalArgumentException("gateway.users: user '" + c.username()
                        + "' has no PBKDF2 password hash (pbkdf2$ITERATIONS$SALT$HASH; see docs/gateway.md)");
            }
            if (c.role() == Role.AGENT && (c.iface() == null || c.iface().isBlank())) {
                throw new IllegalArgumentException("gateway.users: agent '" + c.username() + "' needs an iface");
            }
            if (configs.put(c.username(), c) != null) {
                throw new IllegalArgumentException("gateway.users: duplicate username '" + c.username() + "'");
            }
            users.put(c.username(), User.from(c, defaultPbx));
        }
    }

    /** The user when the password matches. Slow on purpose (PBKDF2): call off the event loop. */
    public Optional<User> authenticate(String username, char[] password) {
        try {
            UserConfig c = username == null ? null : configs.get(username);
            if (c == null) {
                PasswordHash.verify(password, decoyHash);
                return Optional.empty();
            }
            return PasswordHash.verify(password, c.password()) ? Optional.of(users.get(username)) : Optional.empty();
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    public Optional<User> byName(String username) {
        return Optional.ofNullable(users.get(username));
    }

    /** The agent bound to this member interface, if any. */
    public Optional<User> agentByIface(String iface) {
        return users.values().stream().filter(u -> u.isAgent() && u.iface().equalsIgnoreCase(iface)).findFirst();
    }

    public Collection<User> all() {
        return users.values();
    }
}
