package io.ctiserver.presence;

import io.ctiserver.ami.AmiActionSender;
import io.ctiserver.ami.AmiMessage;
import io.ctiserver.ami.AmiResponse;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a presence snapshot of one PBX (DeviceStateList, ExtensionStateList, PJSIPShowEndpoints, PJSIPShowContacts)
 * and applies it on the tracker's own thread, like the call tracker's {@code Resync}. A refused action counts as an
 * empty list: Asterisk answers ExtensionStateList with "No dialplan hints are available" when there are no hints,
 * and a PBX without res_pjsip knows no PJSIP actions.
 *
 * <p>Wiring: {@code presence.onSnapshotNeeded(new PresenceResync(presence, client, client.pbxExecutor(), clock)::start)}.
 */
public final class PresenceResync {

    private static final Logger log = LoggerFactory.getLogger(PresenceResync.class);

    private final PresenceTracker tracker;
    private final AmiActionSender sender;
    private final Executor trackerExecutor;
    private final LongSupplier clock;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean again;

    public PresenceResync(PresenceTracker tracker, AmiActionSender sender, Executor trackerExecutor,
                          LongSupplier clock) {
        this.tracker = Objects.requireNonNull(tracker);
        this.sender = Objects.requireNonNull(sender);
        this.trackerExecutor = Objects.requireNonNull(trackerExecutor);
        this.clock = Objects.requireNonNull(clock);
    }

    public void start() {
        if (!running.compareAndSet(false, true)) {
            again = true;
            return;
        }
        again = false;
        CompletableFuture<List<AmiMessage>> devices = list("DeviceStateList");
        CompletableFuture<List<AmiMessage>> extensions = list("ExtensionStateList");
        CompletableFuture<List<AmiMessage>> endpoints = list("PJSIPShowEndpoints");
        CompletableFuture<List<AmiMessage>> contacts = list("PJSIPShowContacts");
        CompletableFuture.allOf(devices, extensions, endpoints, contacts).whenComplete((ok, error) -> {
            if (error != null) {
                log.warn("pbx {}: presence snapshot failed: {}", tracker.pbx(), error.toString());
                finished();
                return;
            }
            PresenceSnapshot snap = new PresenceSnapshot(devices.join(), extensions.join(), endpoints.join(),
                    contacts.join(), clock.getAsLong());
            trackerExecutor.execute(() -> {
                try {
                    tracker.applySnapshot(snap);
                } finally {
                    finished();
                }
            });
        });
    }

    /** The list's events; an empty list when refused, null for a refused PJSIPShowContacts (see the snapshot). */
    private CompletableFuture<List<AmiMessage>> list(String action) {
        return sender.send(AmiMessage.of("Action", action)).thenApply((AmiResponse r) -> {
            if (r.isSuccess()) {
                return r.events();
            }
            log.debug("pbx {}: {} refused: {}", tracker.pbx(), action, r.message());
            return action.equals("PJSIPShowContacts") ? null : List.of();
        });
    }

    private void finished() {
        running.set(false);
        if (again) {
            start();
        }
    }
}
