package io.ctiserver.contact;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The last {@code capacity} contacts in memory; the oldest are forgotten first. Thread-safe. */
public final class InMemoryContactStore implements ContactStore {

    private final Map<String, StoredContact> contacts;

    public InMemoryContactStore(int capacity) {
        this.contacts = new LinkedHashMap<>(256, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, StoredContact> eldest) {
                return size() > capacity;
            }
        };
    }

    @Override
    public synchronized void save(StoredContact c) {
        contacts.remove(c.record().contactId());
        contacts.put(c.record().contactId(), c);
    }

    @Override
    public synchronized Optional<StoredContact> find(String contactId) {
        return Optional.ofNullable(contacts.get(contactId));
    }

    @Override
    public synchronized List<StoredContact> recent(int limit) {
        List<StoredContact> all = new ArrayList<>(contacts.values());
        List<StoredContact> out = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0 && out.size() < limit; i--) {
            out.add(all.get(i));
        }
        return out;
    }

    public synchronized int size() {
        return contacts.size();
    }
}
