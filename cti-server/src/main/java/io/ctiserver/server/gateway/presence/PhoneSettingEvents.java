package io.ctiserver.server.gateway.presence;

import io.ctiserver.presence.PhoneSetting;
import io.ctiserver.server.gateway.auth.User;
import io.ctiserver.server.gateway.auth.UserDirectory;
import io.ctiserver.server.gateway.commands.phone.PhoneDevice;
import io.ctiserver.server.gateway.commands.phone.PhonesConfig;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * DND and forwards set on the phone (the dialplan's feature codes) as the same {@code phone.dnd} and
 * {@code phone.forward} events a desktop's command makes, with {@code source} {@code phone} and no {@code by}: the
 * desktops' view of a phone's settings stays true whichever side changed them.
 */
public final class PhoneSettingEvents {

    private final PhonesConfig phones;
    private final UserDirectory users;
    private final Consumer<PhoneEvent> events;

    public PhoneSettingEvents(PhonesConfig phones, UserDirectory users, Consumer<PhoneEvent> events) {
        this.phones = phones;
        this.users = users;
        this.events = events;
    }

    /** Called on the PBX consumer's thread; builds the event and hands it to the fan-out, which does not block. */
    public void accept(PhoneSetting s) {
        List<User> at = phones.usersAt(s.pbx(), s.extension(), users.all());
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("extension", s.extension());
        payload.put("device", at.isEmpty() ? null : phones.phoneOf(at.get(0)).map(PhoneDevice::device).orElse(null));
        String type;
        if (s.isDnd()) {
            type = "phone.dnd";
            payload.put("enabled", "1".equals(s.value()));
        } else {
            type = "phone.forward";
            payload.put("kind", s.setting());
            payload.put("target", s.value().isEmpty() ? null : s.value());
        }
        payload.put("by", null);
        payload.put("source", "phone");
        events.accept(new PhoneEvent(type, Instant.ofEpochMilli(s.at()), s.pbx(), payload,
                at.stream().map(User::iface).toList()));
    }
}
