package io.ctiserver.contact;

import java.util.List;
import java.util.Optional;

/**
 * Where finished contacts (record and transcript) are kept. The database storage implements it; until then, and in
 * tests, {@link InMemoryContactStore}. Called off the routing thread's hot path: implementations may buffer, never
 * block for long.
 */
public interface ContactStore {

    void save(StoredContact contact);

    Optional<StoredContact> find(String contactId);

    /** The latest contacts first, at most {@code limit}. */
    List<StoredContact> recent(int limit);
}
