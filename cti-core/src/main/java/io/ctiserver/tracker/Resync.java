package io.ctiserver.tracker;

import io.ctiserver.ami.AmiActionException;
import io.ctiserver.ami.AmiActionSender;
import io.ctiserver.ami.AmiMessage;
import io.ctiserver.ami.AmiResponse;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a snapshot of one PBX (CoreShowChannels, QueueStatus) and hands it to the tracker on the tracker's own
 * thread. The answers arrive on the AMI client's threads; {@code trackerExecutor} (the ordered executor that feeds
 * the tracker its events) brings them back, so the tracker keeps a single writer.
 *
 * <p>Wiring: {@code tracker.onResyncNeeded(new Resync(tracker, sender, executor)::start)}.
 */
public final class Resync {

    private static final Logger log = LoggerFactory.getLogger(Resync.class);

    private final Tracker tracker;
    private final AmiActionSender sender;
    private final Executor trackerExecutor;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean again;

    public Resync(Tracker tracker, AmiActionSender sender, Executor trackerExecutor) {
        this.tracker = Objects.requireNonNull(tracker);
        this.sender = Objects.requireNonNull(sender);
        this.trackerExecutor = Objects.requireNonNull(trackerExecutor);
    }

    /** Starts a snapshot; a request while one is running runs once more after it (never two at once). */
    public void start() {
        if (!running.compareAndSet(false, true)) {
            again = true;
            return;
        }
        again = false;
        CompletableFuture<AmiResponse> channels = sender.send(AmiMessage.of("Action", "CoreShowChannels"));
        CompletableFuture<AmiResponse> queues = sender.send(AmiMessage.of("Action", "QueueStatus"));
        channels.thenCombine(queues, PbxSnapshot::new).whenComplete((snap, error) -> {
            if (error != null) {
                // The link dropped again (the next connect asks again), or Asterisk did not answer in time (ask
                // again now): the tracker keeps wanting a snapshot either way.
                log.warn("pbx {}: resync snapshot failed: {}", tracker.pbx(), error.toString());
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                boolean timedOut = cause instanceof AmiActionException e
                        && e.reason() == AmiActionException.Reason.TIMEOUT;
                trackerExecutor.execute(() -> {
                    finished();
                    tracker.snapshotFailed(timedOut);
                });
                return;
            }
            trackerExecutor.execute(() -> {
                try {
                    tracker.applySnapshot(snap);
                } finally {
                    finished();
                }
            });
        });
    }

    private void finished() {
        running.set(false);
        if (again) {
            start();
        }
    }
}
