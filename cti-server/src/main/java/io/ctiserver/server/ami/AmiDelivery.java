package io.ctiserver.server.ami;

import io.ctiserver.ami.AmiLinkState;
import io.ctiserver.ami.AmiListener;
import io.ctiserver.ami.AmiMessage;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands one PBX's messages to its single consumer thread, in order, and tells the socket when to stop reading.
 *
 * <p>The event loop appends batches of messages (one batch per socket read, at most {@link #BATCH} messages, so the
 * queue costs one hand-off per batch rather than per event); the consumer thread calls the {@link AmiListener} for
 * each. Link-state changes and {@link #execute tasks} travel through the same queue, so the consumer sees them in
 * order with the events.
 *
 * <h2>Bounded, lossless</h2>
 * When {@code capacity} messages are waiting, {@link #offer} reports it and the client turns {@code autoRead} off;
 * the consumer turns it back on (through {@code resume}) once fewer than {@code capacity / 2} wait. The event loop
 * never blocks and never drops: after autoRead goes off it still decodes what the current socket read brought (at
 * most one read buffer, 64 KiB), so the queue holds at most {@code capacity} messages plus that one read.
 */
final class AmiDelivery implements Executor {

    static final int BATCH = 256;

    private static final Logger log = LoggerFactory.getLogger(AmiDelivery.class);
    private static final Object STOP = new Object();

    private final String pbx;
    private final AmiListener listener;
    private final int capacity;
    private final int lowWater;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean paused = new AtomicBoolean();
    private final Thread thread;
    private volatile Runnable resume = () -> { };
    private volatile boolean stopped;

    /** A slice of messages, in wire order. */
    private record Batch(AmiMessage[] messages, int count) {
    }

    private record LinkChange(AmiLinkState state, String detail) {
    }

    AmiDelivery(String pbx, AmiListener listener, int capacity) {
        this.pbx = pbx;
        this.listener = listener;
        this.capacity = capacity;
        this.lowWater = capacity / 2;
        this.thread = new Thread(this::consume, "ami-" + pbx);
        thread.setDaemon(true);
    }

    void start(Runnable resume) {
        this.resume = resume;
        thread.start();
    }

    /**
     * Queues a batch (the array then belongs to the consumer). Returns {@code true} when the queue is at capacity:
     * the caller must stop reading (if it still reads) and then call {@link #pausedReading()}.
     */
    boolean offer(AmiMessage[] messages, int count) {
        if (count == 0) {
            return false;
        }
        int now = queued.addAndGet(count);
        queue.add(new Batch(messages, count));
        return now >= capacity;
    }

    boolean atCapacity() {
        return queued.get() >= capacity;
    }

    /**
     * The caller turned reading off: the consumer calls {@code resume} once it has drained below the low-water mark.
     * If it did so in the meantime, nobody else would turn reading back on: resume at once.
     */
    void pausedReading() {
        paused.set(true);
        if (queued.get() < lowWater && paused.compareAndSet(true, false)) {
            resume.run();
        }
    }

    void linkState(AmiLinkState state, String detail) {
        queue.add(new LinkChange(state, detail));
    }

    /** Runs {@code task} on the consumer thread, after everything queued before it. */
    @Override
    public void execute(Runnable task) {
        if (stopped) {
            // Only completions of actions failed at shutdown get here; run them rather than leave a future behind.
            task.run();
            return;
        }
        queue.add(task);
    }

    /** Messages waiting for the consumer. */
    int queued() {
        return queued.get();
    }

    Thread thread() {
        return thread;
    }

    /** Lets the consumer finish what is queued, then ends its thread. */
    void stop(long timeoutMs) throws InterruptedException {
        queue.add(STOP);
        thread.join(timeoutMs);
        stopped = true;
        // Anything queued after STOP still runs, here, so no task is lost.
        for (Object item; (item = queue.poll()) != null; ) {
            handle(item);
        }
    }

    private void consume() {
        try {
            while (true) {
                Object item = queue.poll(1, TimeUnit.DAYS);
                if (item == STOP) {
                    return;
                }
                if (item != null) {
                    handle(item);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(Object item) {
        if (item instanceof Batch batch) {
            AmiMessage[] messages = batch.messages();
            for (int i = 0; i < batch.count(); i++) {
                try {
                    listener.onMessage(messages[i]);
                } catch (RuntimeException e) {
                    log.error("PBX {}: the listener failed on {} event; going on with the next", pbx,
                            messages[i].eventName(), e);
                }
            }
            if (queued.addAndGet(-batch.count()) < lowWater && paused.compareAndSet(true, false)) {
                resume.run();
            }
        } else if (item instanceof LinkChange change) {
            try {
                listener.onLinkState(pbx, change.state(), change.detail());
            } catch (RuntimeException e) {
                log.error("PBX {}: the listener failed on link state {}", pbx, change.state(), e);
            }
        } else if (item instanceof Runnable task) {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("PBX {}: a task on the PBX thread failed", pbx, e);
            }
        }
    }
}
