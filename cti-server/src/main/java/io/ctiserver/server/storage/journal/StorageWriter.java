package io.ctiserver.server.storage.journal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ctiserver.events.Json;
import io.ctiserver.server.storage.Row;
import io.ctiserver.server.storage.StorageHealth;
import io.ctiserver.server.storage.schema.Database;
import io.ctiserver.server.storage.schema.RowWriter;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets rows from the server's threads into the database without ever making them wait.
 *
 * <pre>
 * tracker / gateway threads --offer (never blocks)--> bounded queue
 *   --> thread "storage-journal": appends a group of rows to the journal, one fsync per group
 *   --> thread "storage-db": reads the journal behind it, writes batches in one transaction each, then commits
 *       the journal (its finished segments are deleted)
 * </pre>
 *
 * A row is safe once it is in the journal ({@link #durable()}), a few milliseconds after {@link #offer}: a crash or
 * {@code kill -9} after that loses nothing, because the journal is read again at the next start. When the database is
 * slow or down, the journal simply grows and the database thread retries with a growing pause (up to 5 s); when it
 * answers again the backlog drains. Rows are upserts on natural keys, so a batch written twice (a crash between the
 * database commit and the journal commit, or a replay) changes nothing.
 */
public final class StorageWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StorageWriter.class);
    private static final ObjectMapper JSON = Json.mapper();
    private static final int GROUP = 4_096;
    private static final long MAX_BACKOFF_MS = 5_000;

    private final Journal journal;
    private final Database db;
    private final RowWriter rowWriter;
    private final int batchSize;
    private final BlockingQueue<Row> queue;
    private final Consumer<List<Row>> afterCommit;
    private final Runnable idle;
    private final Thread appender;
    private final Thread dbThread;
    private final Object wake = new Object();

    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private volatile long durable;
    private volatile long written;
    private volatile boolean dbUp;
    private volatile String lastError;
    private volatile boolean stopping;
    private volatile long drainDeadlineNanos = Long.MAX_VALUE;
    private long lastRefusedLog;

    /**
     * @param afterCommit called on the database thread with each batch once it is committed (interval dirtiness)
     * @param idle        called on the database thread when it has caught up, at most every 200 ms (housekeeping)
     */
    public StorageWriter(Journal journal, Database db, int batchSize, int queueCapacity,
                         Consumer<List<Row>> afterCommit, Runnable idle) {
        this.journal = journal;
        this.db = db;
        this.rowWriter = new RowWriter(db.dialect());
        this.batchSize = batchSize;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.afterCommit = afterCommit;
        this.idle = idle;
        this.appender = new Thread(this::appendLoop, "storage-journal");
        this.dbThread = new Thread(this::dbLoop, "storage-db");
        appender.setDaemon(true);
        dbThread.setDaemon(true);
    }

    public StorageWriter start() {
        appender.start();
        dbThread.start();
        return this;
    }

    /**
     * Hands a row over; never blocks. False when the queue is full (the journal's disk has stopped): the row is lost
     * and counted in {@link StorageHealth#refused()}.
     */
    public boolean offer(Row row) {
        if (stopping || !queue.offer(row)) {
            long n = refused.incrementAndGet();
            long now = System.nanoTime();
            if (now - lastRefusedLog > TimeUnit.SECONDS.toNanos(10)) {
                lastRefusedLog = now;
                LOG.error("storage queue full or stopping: {} rows refused so far", n);
            }
            return false;
        }
        accepted.incrementAndGet();
        return true;
    }

    /** Rows accepted since start. */
    public long accepted() {
        return accepted.get();
    }

    /** Rows accepted since start that are in the journal (fsync'd). */
    public long durable() {
        return durable;
    }

    /** Rows written to the database since start (replayed journal rows included). */
    public long written() {
        return written;
    }

    /**
     * True when every row accepted so far is in the database, with its report intervals marked for the aggregator
     * (replayed journal rows are in {@link #written()} too, so comparing counts would not say this).
     */
    public boolean drained() {
        long a = accepted.get(); // before the others: a row accepted after this read is not asked about
        return durable >= a && journal.depth() == 0;
    }

    public long journalDepth() {
        return journal.depth();
    }

    public StorageHealth health() {
        long depth = journal.depth();
        boolean degraded = !dbUp || depth > 10L * batchSize;
        return new StorageHealth(degraded ? "degraded" : "ok", dbUp ? "up" : "down", depth, queue.size(),
                refused.get(), written, lastError);
    }

    // ---- journal thread ------------------------------------------------------------------------------------------

    private void appendLoop() {
        List<Row> group = new ArrayList<>(GROUP);
        List<byte[]> lines = new ArrayList<>(GROUP);
        while (true) {
            try {
                Row first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (stopping) {
                        return;
                    }
                    continue;
                }
                group.add(first);
                queue.drainTo(group, GROUP - 1);
                for (Row r : group) {
                    byte[] json = JSON.writeValueAsBytes(r);
                    byte[] line = java.util.Arrays.copyOf(json, json.length + 1);
                    line[json.length] = '\n';
                    lines.add(line);
                }
                appendWithRetry(lines);
                durable += group.size();
                group.clear();
                lines.clear();
                synchronized (wake) {
                    wake.notifyAll();
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                LOG.error("storage journal: cannot serialise a row: {}", e.toString());
                group.clear();
                lines.clear();
            }
        }
    }

    /** A full disk or an I/O error must not lose the group: retry until it is written. */
    private void appendWithRetry(List<byte[]> lines) throws InterruptedException {
        long pause = 100;
        while (true) {
            try {
                journal.append(lines);
                return;
            } catch (IOException e) {
                LOG.error("storage journal {}: append failed ({}); retrying in {} ms", journal.dir(), e.toString(),
                        pause);
                Thread.sleep(pause);
                pause = Math.min(pause * 2, MAX_BACKOFF_MS);
            }
        }
    }

    // ---- database thread -----------------------------------------------------------------------------------------

    private void dbLoop() {
        long backoff = 0;
        long lastIdle = 0;
        while (true) {
            try {
                if (backoff > 0) {
                    synchronized (wake) {
                        wake.wait(backoff);
                    }
                }
                if (stopping && (System.nanoTime() > drainDeadlineNanos
                        || (!appender.isAlive() && journal.depth() == 0))) {
                    return;
                }
                List<String> lines = journal.read(batchSize);
                if (lines.isEmpty()) {
                    if (!dbUp && !probe()) { // nothing to write: still find out whether the database answers
                        backoff = Math.min(Math.max(250, backoff * 2), MAX_BACKOFF_MS);
                        continue;
                    }
                    long now = System.nanoTime();
                    if (now - lastIdle > TimeUnit.MILLISECONDS.toNanos(200)) {
                        lastIdle = now;
                        runIdle();
                    }
                    synchronized (wake) {
                        if (journal.depth() == 0 || !dbUp) {
                            wake.wait(50);
                        }
                    }
                    continue;
                }
                List<Row> rows = parse(lines);
                try (Connection c = db.connection()) {
                    db.ensureSchema();
                    rowWriter.write(c, rows);
                }
                // The rows are in the database: mark their intervals before the journal lets them go, so that once
                // drained() is true, their intervals are marked too (a second write after a failed commit is an
                // upsert and marks them again, harmlessly)
                afterCommit.accept(rows);
                journal.commit();
                written += rows.size();
                if (!dbUp) {
                    LOG.info("storage database is back; journal backlog {}", journal.depth());
                }
                dbUp = true;
                lastError = null;
                backoff = 0;
            } catch (InterruptedException e) {
                return;
            } catch (SQLException | RuntimeException e) {
                journal.rewind();
                if (dbUp || lastError == null) {
                    LOG.warn("storage database write failed ({}); rows wait in the journal", describe(e));
                }
                dbUp = false;
                lastError = describe(e);
                backoff = Math.min(Math.max(250, backoff * 2), MAX_BACKOFF_MS);
            } catch (IOException e) {
                LOG.error("storage journal read failed: {}", e.toString());
                journal.rewind();
                backoff = Math.min(Math.max(250, backoff * 2), MAX_BACKOFF_MS);
            }
        }
    }

    private boolean probe() {
        try (Connection c = db.connection()) {
            db.ensureSchema();
            dbUp = c.isValid(2);
            lastError = dbUp ? null : "connection not valid";
        } catch (SQLException | RuntimeException e) {
            lastError = describe(e);
        }
        return dbUp;
    }

    private void runIdle() {
        if (!dbUp) {
            return;
        }
        try {
            idle.run();
        } catch (RuntimeException e) {
            LOG.warn("storage housekeeping failed: {}", describe(e));
        }
    }

    private static List<Row> parse(List<String> lines) {
        List<Row> rows = new ArrayList<>(lines.size());
        for (String l : lines) {
            if (l.isBlank()) {
                continue;
            }
            try {
                rows.add(JSON.readValue(l, Row.class));
            } catch (IOException e) {
                LOG.warn("storage journal: skipping a line that is not an entry ({} chars): {}", l.length(),
                        e.getClass().getSimpleName());
            }
        }
        return rows;
    }

    /** An error for logs and health: the class and message, with any password parameter hidden. */
    static String describe(Throwable e) {
        String m = e.getMessage() == null ? "" : Database.redact(e.getMessage());
        return e.getClass().getSimpleName() + (m.isEmpty() ? "" : ": " + m);
    }

    /** The database thread is the only writer of the tables: let housekeeping run there. */
    public boolean databaseUp() {
        return dbUp;
    }

    /**
     * Stops accepting, writes what was accepted to the journal, and gives the database up to {@code drainMillis} to
     * take the backlog; what is left stays in the journal for the next start.
     */
    public void close(long drainMillis) {
        stopping = true;
        try {
            appender.join(10_000);
            drainDeadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(drainMillis);
            synchronized (wake) {
                wake.notifyAll();
            }
            dbThread.join(drainMillis + 5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            journal.close();
        } catch (IOException e) {
            LOG.warn("closing the storage journal: {}", e.toString());
        }
    }

    @Override
    public void close() {
        close(5_000);
    }
}
