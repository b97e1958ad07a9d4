package io.ctiserver.server.gateway.presence;

import io.ctiserver.presence.PresenceEntry;
import io.ctiserver.server.gateway.auth.User;
import io.ctiserver.server.gateway.commands.phone.PhoneDevice;
import io.ctiserver.server.gateway.commands.phone.PhonesConfig;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which presence lines a user sees: supervisors, admins and integrations (the operators) every line; an agent their
 * own phone, their own queue-member interface, and the lines {@code phones.agentPresence} allows them.
 */
public final class PresenceAccess {

    private final PhonesConfig phones;

    public PresenceAccess(PhonesConfig phones) {
        this.phones = phones;
    }

    public static PresenceAccess everyoneSeesOwnOnly() {
        return new PresenceAccess(PhonesConfig.defaults());
    }

    /**
     * Display names of lines, for the desktops' name filter: each user's phone (and PJSIP device) by the user's
     * member name, else username. Built once from the config.
     */
    public Map<String, String> lineNames(Collection<User> users) {
        Map<String, String> names = new TreeMap<>();
        for (User u : users) {
            String name = u.memberName() != null ? u.memberName() : u.username();
            phones.phoneOf(u).ifPresent(d -> names.putIfAbsent(d.device(), name));
        }
        return Map.copyOf(names);
    }

    public boolean sees(User u, PresenceEntry e) {
        if (u.role().seesEverything()) {
            return true;
        }
        if (!u.pbx().equals(e.pbx())) {
            return false;
        }
        String id = e.id();
        if (id.equalsIgnoreCase(u.device()) || id.equalsIgnoreCase(u.iface())) {
            return true;
        }
        PhoneDevice own = phones.phoneOf(u).orElse(null);
        if (own != null && (id.equalsIgnoreCase(own.device())
                || id.startsWith(own.effectiveExtension() + "@"))) {
            return true;
        }
        return matchesAny(phones.presenceFor(u.username()), id);
    }

    static boolean matchesAny(List<String> patterns, String id) {
        for (String p : patterns) {
            if (p.endsWith("*") ? id.regionMatches(true, 0, p, 0, p.length() - 1) : p.equalsIgnoreCase(id)) {
                return true;
            }
        }
        return false;
    }
}
