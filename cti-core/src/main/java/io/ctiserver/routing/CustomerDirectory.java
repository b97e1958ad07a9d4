package io.ctiserver.routing;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Finds a customer by the number they call from. Implementations never block the caller: the embedded directory
 * answers at once, a CRM connector answers later (or fails); routing puts its own deadline on top.
 */
@FunctionalInterface
public interface CustomerDirectory {

    CompletableFuture<Optional<Customer>> findByNumber(String callerNumber);

    /** A directory that knows nobody. */
    static CustomerDirectory empty() {
        return n -> CompletableFuture.completedFuture(Optional.empty());
    }
}
