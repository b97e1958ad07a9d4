package io.ctiserver.presence;

import io.ctiserver.ami.AmiMessage;
import java.util.List;

/**
 * What a presence snapshot collected: the item events of DeviceStateList ({@code DeviceStateChange}),
 * ExtensionStateList ({@code ExtensionStatus}), PJSIPShowEndpoints ({@code EndpointList}) and PJSIPShowContacts
 * ({@code ContactList}; null when that action failed, so that contacts are then read from the endpoints).
 */
public record PresenceSnapshot(List<AmiMessage> deviceStates, List<AmiMessage> extensionStates,
                               List<AmiMessage> endpoints, List<AmiMessage> contacts, long takenAt) {

    public PresenceSnapshot {
        deviceStates = items(deviceStates, "DeviceStateChange");
        extensionStates = items(extensionStates, "ExtensionStatus");
        endpoints = items(endpoints, "EndpointList");
        contacts = contacts == null ? null : items(contacts, "ContactList");
    }

    /** Only the list's items: the {@code ...Complete} event is left out. */
    private static List<AmiMessage> items(List<AmiMessage> events, String name) {
        return events == null ? List.of() : events.stream().filter(e -> name.equals(e.eventName())).toList();
    }
}
