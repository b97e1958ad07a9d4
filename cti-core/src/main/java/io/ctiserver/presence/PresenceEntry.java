package io.ctiserver.presence;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.List;

/**
 * One line of the switchboard: a device ({@code PJSIP/201}) or a dialplan extension with a hint
 * ({@code 201@agents}). Immutable; the presence tracker replaces an entry on every change.
 *
 * @param pbx          the PBX id
 * @param id           {@code PJSIP/201} for a device, {@code 201@agents} for an extension
 * @param kind         device or extension
 * @param state        Asterisk's device state (for an extension: the hint's combined state)
 * @param registration PJSIP endpoints: any contact registered (UNKNOWN for other devices and extensions)
 * @param contacts     PJSIP contacts with their qualify status
 * @param hint         an extension's hint ({@code PJSIP/201&Custom:DND201}); null for devices
 * @param version      the tracker's change counter when this entry last changed: larger is newer
 * @param changedAt    epoch millis of the AMI message that changed it (its receive time; 0 when unknown)
 */
public record PresenceEntry(String pbx, String id, Kind kind, PhoneState state, Registration registration,
                            List<Contact> contacts, String hint, long version, long changedAt) {

    public enum Kind {
        DEVICE, EXTENSION;

        @JsonValue
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public PresenceEntry {
        contacts = List.copyOf(contacts);
    }

    /** The same line with other facts; version and time are compared separately. */
    boolean sameFacts(PresenceEntry o) {
        return o != null && state == o.state && registration == o.registration && contacts.equals(o.contacts)
                && java.util.Objects.equals(hint, o.hint);
    }

    PresenceEntry with(PhoneState newState, Registration newRegistration, List<Contact> newContacts, String newHint,
                       long newVersion, long at) {
        return new PresenceEntry(pbx, id, kind, newState, newRegistration, newContacts, newHint, newVersion, at);
    }
}
