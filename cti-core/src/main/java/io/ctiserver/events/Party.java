package io.ctiserver.events;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * One participant of a call: the caller, an agent, a transfer target or a monitoring supervisor.
 *
 * @param channel   the Asterisk channel name (for an agent behind a Local pair, the {@code ;1} half in the bridge)
 * @param uniqueid  that channel's Uniqueid
 * @param iface     the queue-member interface or device (e.g. {@code PJSIP/agent1}), when known
 * @param name      a display name: caller ID name or member name
 * @param number    caller ID number or extension
 */
public record Party(Role role, String channel, String uniqueid, String iface, String name, String number) {

    public enum Role {
        CALLER, AGENT, TRANSFER_TARGET, SUPERVISOR, OTHER;

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
