package io.ctiserver.server.gateway.commands.phone;

import io.ctiserver.server.gateway.auth.User;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code phones} section: the phones and what each accepts, where DND and forwarding live in AstDB, and which
 * presence lines agents see.
 *
 * @param dndFamily     AstDB family of DND, key = extension, value {@code 1} / {@code 0} (default {@code CTI_DND})
 * @param forwardFamily AstDB family of forwarding, key = {@code EXTEN/unconditional|busy|noanswer}, value = target or
 *                      empty (default {@code CTI_FWD})
 * @param devices       the phones
 * @param agentPresence presence lines an agent sees besides their own phone: by username, and {@code "*"} for every
 *                      agent; an id, or a prefix ending in {@code *} ({@code "PJSIP/*"})
 */
public record PhonesConfig(String dndFamily, String forwardFamily, List<PhoneDevice> devices,
                           Map<String, List<String>> agentPresence) {

    /** AstDB family names: the dialplan's DB() takes the family up to the first slash. */
    private static final Pattern FAMILY = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public PhonesConfig {
        dndFamily = dndFamily == null ? "CTI_DND" : dndFamily;
        forwardFamily = forwardFamily == null ? "CTI_FWD" : forwardFamily;
        devices = devices == null ? List.of() : List.copyOf(devices);
        agentPresence = agentPresence == null ? Map.of() : Map.copyOf(agentPresence);
        if (!FAMILY.matcher(dndFamily).matches() || !FAMILY.matcher(forwardFamily).matches()) {
            throw new IllegalArgumentException("phones: AstDB families are [A-Za-z0-9_-]{1,64} (no slash)");
        }
    }

    public static PhonesConfig defaults() {
        return new PhonesConfig(null, null, null, null);
    }

    /**
     * The phone a user sits at: the device entry that names the user, else the entry of the user's {@code device},
     * else the user's {@code device} as a generic phone. Empty for users without a device.
     */
    public Optional<PhoneDevice> phoneOf(User u) {
        for (PhoneDevice d : devices) {
            if (d.users().contains(u.username())) {
                return Optional.of(d);
            }
        }
        if (u.device() == null) {
            return Optional.empty();
        }
        for (PhoneDevice d : devices) {
            if (d.device().equalsIgnoreCase(u.device())) {
                return Optional.of(d);
            }
        }
        return Optional.of(PhoneDevice.of(u.device(), null));
    }

    /** The users of {@code pbx} who sit at {@code extension}'s phone: those who get its phone events. */
    public List<User> usersAt(String pbx, String extension, java.util.Collection<User> users) {
        List<User> out = new java.util.ArrayList<>();
        for (User u : users) {
            if (u.iface() != null && pbx.equals(u.pbx())
                    && phoneOf(u).map(d -> d.effectiveExtension().equals(extension)).orElse(false)) {
                out.add(u);
            }
        }
        return out;
    }

    /** The device settings of {@code device}, or a generic phone. */
    public PhoneDevice device(String device) {
        for (PhoneDevice d : devices) {
            if (d.device().equalsIgnoreCase(device)) {
                return d;
            }
        }
        return PhoneDevice.of(device, null);
    }

    /** The id patterns an agent may see besides their own phone. */
    public List<String> presenceFor(String username) {
        List<String> own = agentPresence.getOrDefault(username, List.of());
        List<String> all = agentPresence.getOrDefault("*", List.of());
        if (own.isEmpty()) {
            return all;
        }
        if (all.isEmpty()) {
            return own;
        }
        List<String> both = new java.util.ArrayList<>(all);
        both.addAll(own);
        return both;
    }
}
