package io.ctiserver.presence;

import io.ctiserver.ami.AmiLinkState;
import io.ctiserver.ami.AmiListener;
import io.ctiserver.ami.AmiMessage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every phone's and extension's presence on one PBX, from {@code DeviceStateChange}, {@code ExtensionStatus} and
 * {@code ContactStatus}, and from a snapshot ({@link PresenceSnapshot}) after each connect; and the phone settings
 * (DND, forwards) changed on the phone itself, from the dialplan's {@code UserEvent} ({@link PhoneSetting}).
 *
 * <p>Single writer: fed the same AMI messages as the call tracker, on the PBX's consumer thread
 * ({@link #onMessage}, {@link #onLinkState}, {@link #applySnapshot}); listeners are called there, in order. Other
 * threads read {@link #entries()}: immutable entries in a concurrent map. Deterministic: the same messages give the
 * same entries, versions and changes (times come from the messages' receive time).
 *
 * <p>Devices that are not phones are left out: {@code Queue:} (app_queue's own device states) and {@code Local/}
 * (channels inside the PBX, not something on a desk).
 */
public final class PresenceTracker implements AmiListener, PresenceView {

    /** Lines kept at most: far beyond any PBX's phones; a stream of made-up device names cannot grow it further. */
    public static final int MAX_LINES = 100_000;

    private final String pbx;
    private long refused;
    private final Map<String, PresenceEntry> entries = new ConcurrentHashMap<>();
    private final List<PresenceListener> listeners = new CopyOnWriteArrayList<>();
    private Runnable snapshotRequester = () -> { };
    private boolean snapshotWanted = true;
    private long version;

    public PresenceTracker(String pbx) {
        this.pbx = pbx;
    }

    public String pbx() {
        return pbx;
    }

    public void addListener(PresenceListener l) {
        listeners.add(l);
    }

    /** Called (on this thread) when a snapshot is needed: after the first login and after every reconnect. */
    public void onSnapshotNeeded(Runnable requester) {
        this.snapshotRequester = requester;
    }

    @Override
    public void onLinkState(String pbxId, AmiLinkState state, String detail) {
        switch (state) {
            case DISCONNECTED, AUTH_FAILED, CONNECTING -> snapshotWanted = true;
            case CONNECTED, FULLY_BOOTED -> {
                if (snapshotWanted) {
                    snapshotWanted = false;
                    snapshotRequester.run();
                }
            }
        }
    }

    @Override
    public void onMessage(AmiMessage m) {
        String event = m.eventName();
        if (event == null) {
            return;
        }
        switch (event) {
            case "DeviceStateChange" -> deviceState(m.get("Device"), PhoneState.fromDeviceState(m.get("State")),
                    m.receivedAt(), false);
            case "ExtensionStatus" -> extensionStatus(m, false);
            case "ContactStatus" -> contactStatus(m);
            case "UserEvent" -> PhoneSetting.from(pbx, m).ifPresent(s -> listeners.forEach(l -> l.onPhoneSetting(s)));
            default -> {
            }
        }
    }

    // ---- events --------------------------------------------------------------------------------------------------

    private void deviceState(String device, PhoneState state, long at, boolean resync) {
        if (!isPhone(device)) {
            return;
        }
        PresenceEntry old = entries.get(device);
        PresenceEntry base = old != null ? old : newDevice(device);
        put(base.with(state, base.registration(), base.contacts(), null, 0, at), old, resync);
    }

    private void extensionStatus(AmiMessage m, boolean resync) {
        String exten = m.get("Exten");
        String context = m.get("Context");
        if (exten == null || exten.isEmpty() || exten.startsWith("_")) {
            return;
        }
        String id = exten + "@" + (context == null ? "" : context);
        PresenceEntry old = entries.get(id);
        PresenceEntry base = old != null ? old : new PresenceEntry(pbx, id, PresenceEntry.Kind.EXTENSION,
                PhoneState.UNKNOWN, Registration.UNKNOWN, List.of(), null, 0, 0);
        String hint = m.get("Hint", base.hint());
        put(base.with(PhoneState.fromExtensionStatus(m.get("Status")), Registration.UNKNOWN, List.of(), hint, 0,
                m.receivedAt()), old, resync);
    }

    /** ContactStatus: URI, ContactStatus, AOR, EndpointName, RoundtripUsec (docs XML, res_pjsip). */
    private void contactStatus(AmiMessage m) {
        String endpoint = m.get("EndpointName");
        String uri = m.get("URI");
        if (endpoint == null || endpoint.isEmpty() || uri == null) {
            return;
        }
        String id = "PJSIP/" + endpoint;
        PresenceEntry old = entries.get(id);
        PresenceEntry base = old != null ? old : newDevice(id);
        ContactStatus status = ContactStatus.parse(m.get("ContactStatus"));
        List<Contact> contacts = new ArrayList<>();
        for (Contact c : base.contacts()) {
            if (!c.uri().equals(uri)) {
                contacts.add(c);
            }
        }
        if (status != ContactStatus.REMOVED) {
            contacts.add(new Contact(uri, status, rtt(m.get("RoundtripUsec"))));
            contacts.sort(Comparator.comparing(Contact::uri));
        }
        put(base.with(base.state(), registration(contacts), contacts, null, 0, m.receivedAt()), old, false);
    }

    // ---- snapshot ------------------------------------------------------------------------------------------------

    /**
     * Applies a snapshot taken after a (re)connect: every line it reports takes the reported state; a PJSIP endpoint
     * takes its contacts from PJSIPShowContacts when that answered, else from PJSIPShowEndpoints' {@code Contacts}.
     * Lines it does not mention keep their last state (Asterisk's device-state cache forgets nothing either).
     */
    public void applySnapshot(PresenceSnapshot snap) {
        long at = snap.takenAt();
        for (AmiMessage m : snap.deviceStates()) {
            deviceState(m.get("Device"), PhoneState.fromDeviceState(m.get("State")), at, true);
        }
        for (AmiMessage m : snap.extensionStates()) {
            extensionStatus(m, true);
        }
        Map<String, List<Contact>> contactsByEndpoint = new LinkedHashMap<>();
        if (snap.contacts() != null) {
            for (AmiMessage m : snap.contacts()) {
                String endpoint = m.get("Endpoint");
                String uri = m.get("Uri");
                if (endpoint == null || endpoint.isEmpty() || uri == null) {
                    continue;
                }
                contactsByEndpoint.computeIfAbsent(endpoint, k -> new ArrayList<>())
                        .add(new Contact(uri, ContactStatus.parse(m.get("Status")), rtt(m.get("RoundtripUsec"))));
            }
        }
        for (AmiMessage m : snap.endpoints()) {
            String endpoint = m.get("ObjectName");
            if (endpoint == null || endpoint.isEmpty()) {
                continue;
            }
            String id = "PJSIP/" + endpoint;
            List<Contact> contacts = snap.contacts() != null
                    ? contactsByEndpoint.getOrDefault(endpoint, new ArrayList<>())
                    : endpointContacts(m.get("Contacts", ""));
            contacts.sort(Comparator.comparing(Contact::uri));
            PresenceEntry old = entries.get(id);
            PresenceEntry base = old != null ? old : newDevice(id);
            PhoneState state = m.has("DeviceState") ? PhoneState.fromDeviceStateText(m.get("DeviceState"))
                    : base.state();
            put(base.with(state, registration(contacts), contacts, null, 0, at), old, true);
        }
    }

    /** {@code EndpointList Contacts: agent1/sip:agent1@127.0.0.1:5071,} (capture 05): AOR/URI, comma-ended. */
    static List<Contact> endpointContacts(String field) {
        List<Contact> out = new ArrayList<>();
        for (String part : field.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int slash = p.indexOf('/');
            out.add(new Contact(slash >= 0 ? p.substring(slash + 1) : p, ContactStatus.UNKNOWN, null));
        }
        return out;
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private void put(PresenceEntry candidate, PresenceEntry old, boolean resync) {
        if (old != null && old.sameFacts(candidate)) {
            return;
        }
        if (old == null && entries.size() >= MAX_LINES) {
            refused++;
            return;
        }
        PresenceEntry e = candidate.with(candidate.state(), candidate.registration(), candidate.contacts(),
                candidate.hint(), ++version, candidate.changedAt());
        entries.put(e.id(), e);
        PresenceChange change = new PresenceChange(e, old, resync);
        for (PresenceListener l : listeners) {
            l.onPresence(change);
        }
    }

    /** A device first seen: registration unknown until a contact report or the endpoint snapshot says. */
    private PresenceEntry newDevice(String id) {
        return new PresenceEntry(pbx, id, PresenceEntry.Kind.DEVICE, PhoneState.UNKNOWN, Registration.UNKNOWN,
                List.of(), null, 0, 0);
    }

    private static Registration registration(List<Contact> contacts) {
        return contacts.isEmpty() ? Registration.UNREGISTERED : Registration.REGISTERED;
    }

    static boolean isPhone(String device) {
        return device != null && !device.isEmpty() && !device.startsWith("Queue:") && !device.startsWith("Local/");
    }

    private static Long rtt(String s) {
        try {
            return s == null || s.isEmpty() ? null : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    // ---- read side -----------------------------------------------------------------------------------------------

    @Override
    public List<PresenceEntry> entries() {
        List<PresenceEntry> out = new ArrayList<>(entries.values());
        out.sort(Comparator.comparing(PresenceEntry::id));
        return out;
    }

    @Override
    public Optional<PresenceEntry> entry(String pbxId, String id) {
        return pbx.equals(pbxId) ? Optional.ofNullable(entries.get(id)) : Optional.empty();
    }

    /** New lines not taken because {@link #MAX_LINES} were already kept. */
    public long refusedLines() {
        return refused;
    }

    /** The change counter: how many changes this tracker has made. */
    public long version() {
        return version;
    }
}
