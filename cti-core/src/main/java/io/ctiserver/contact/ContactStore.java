package io.ctiserver.contact;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where finished contacts (record and transcript) are kept: the database storage (cti-server
 * {@code storage.contacts.DatabaseContactStore}) when storage is on, else {@link InMemoryContactStore}.
 * {@link #save} is called on the routing thread: implementations hand the contact on and never block.
 * {@link #find} and {@link #recent} may block (a database read): call them off the event loops, or use
 * {@link #findAsync}.
 */
public interface ContactStore {

    void save(StoredContact contact);

    Optional<StoredContact> find(String contactId);

    /** The latest contacts first, at most {@code limit}. */
    List<StoredContact> recent(int limit);

    /** {@link #find} without blocking the caller; a store that reads a database runs it on a thread of its own. */
    default CompletableFuture<Optional<StoredContact>> findAsync(String contactId) {
        try {
            return CompletableFuture.completedFuture(find(contactId));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
