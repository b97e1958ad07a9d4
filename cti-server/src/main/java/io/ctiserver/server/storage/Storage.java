package io.ctiserver.server.storage;

import io.ctiserver.server.storage.contacts.DatabaseContactStore;
import io.ctiserver.server.storage.history.CallHistoryStore;
import io.ctiserver.server.storage.journal.Journal;
import io.ctiserver.server.storage.journal.StorageWriter;
import io.ctiserver.server.storage.reports.IntervalAggregator;
import io.ctiserver.server.storage.reports.ReportStore;
import io.ctiserver.server.storage.schema.Database;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's memory: a database (embedded H2 by default, PostgreSQL by URL) written through a local journal, and
 * read by the history API, the screen pop's recent calls, routing's last agent, the interval reports and the stored
 * chats and emails ({@link #contacts()}).
 *
 * <pre>{@code
 * Storage storage = Storage.start(config.section("storage", StorageConfig.class, StorageConfig.defaults()));
 * tracker.addListener(storage.listener());        // one per tracker: call records, agent state intervals
 * storage.offer(row);                              // any thread, never blocks: dispositions, surveys, audit, routing
 * storage.health();                                // ok / degraded with the journal depth
 * }</pre>
 *
 * Writes never block: see {@link StorageWriter}. Reads ({@link #history()}, {@link #reports()}) run queries on the
 * pool and belong off the event loops.
 */
public final class Storage implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Storage.class);

    private final StorageConfig config;
    private final Database db;
    private final StorageWriter writer;
    private final CallHistoryStore history;
    private final DatabaseContactStore contacts;
    private final ReportStore reports;
    private final IntervalAggregator aggregator;
    private final Retention retention;

    private Storage(StorageConfig config, Clock clock) throws IOException {
        this.config = config;
        this.db = new Database(config);
        Journal journal = new Journal(Path.of(config.journalDir()), 8L << 20);
        this.aggregator = new IntervalAggregator(db, config.serviceLevelSeconds(), config.shortAbandonSeconds());
        this.retention = new Retention(db, config.retention(), clock);
        this.writer = new StorageWriter(journal, db, config.batchSize(), config.queueCapacity(),
                aggregator::touched, () -> {
                    aggregator.runDue(clock.millis());
                    retention.runDue();
                });
        this.history = new CallHistoryStore(db, config.maxReportDays());
        this.contacts = new DatabaseContactStore(db, writer::offer, config.maxReportDays());
        this.reports = new ReportStore(db, config);
    }

    /** Opens the database (it may be down: the journal then keeps the rows) and starts the writer. */
    public static Storage start(StorageConfig config) throws IOException {
        return start(config, Clock.systemUTC());
    }

    public static Storage start(StorageConfig config, Clock clock) throws IOException {
        StorageConfig c = config.withDefaults();
        Storage s = new Storage(c, clock);
        try {
            s.db.ensureSchema(); // now if the database answers, so that readers find the tables at once
        } catch (RuntimeException e) {
            LOG.warn("storage database not reachable at start ({}); rows wait in the journal",
                    e.getClass().getSimpleName());
        }
        s.writer.start();
        LOG.info("storage started: journal {}, batch {}, retention {}", c.journalDir(), c.batchSize(),
                c.retention());
        return s;
    }

    /** Hands a row to the writer; never blocks; false when refused (queue full, stopping). */
    public boolean offer(Row row) {
        return writer.offer(row);
    }

    /** A fresh listener for one tracker. */
    public StorageListener listener() {
        return new StorageListener(writer::offer);
    }

    public StorageHealth health() {
        return writer.health();
    }

    public StorageWriter writer() {
        return writer;
    }

    public CallHistoryStore history() {
        return history;
    }

    /** Finished chats and emails with their transcripts: the omni engine's store when storage is on. */
    public DatabaseContactStore contacts() {
        return contacts;
    }

    public ReportStore reports() {
        return reports;
    }

    public IntervalAggregator aggregator() {
        return aggregator;
    }

    public Retention retention() {
        return retention;
    }

    public Database database() {
        return db;
    }

    public StorageConfig config() {
        return config;
    }

    /** Drains what it can in a few seconds; the rest stays in the journal for the next start. */
    @Override
    public void close() {
        contacts.close();
        writer.close(5_000);
        db.close();
    }
}
