package io.ctiserver.server.storage;

/**
 * Storage's state for {@code /api/health}: {@code ok}, or {@code degraded} while the database cannot be written (or
 * lags) and records wait in the journal.
 *
 * @param status       {@code ok}, {@code degraded} or {@code off}
 * @param database     {@code up} or {@code down}: whether the last write to the database succeeded
 * @param journalDepth records durable in the journal and not yet in the database
 * @param queued       records accepted and not yet in the journal
 * @param refused      records refused since start because the in-memory queue was full (lost)
 * @param written      rows written to the database since start
 * @param lastError    the last database error (class and message; never a password), or null
 */
public record StorageHealth(String status, String database, long journalDepth, long queued, long refused,
                            long written, String lastError) {

    public static final StorageHealth OFF = new StorageHealth("off", "none", 0, 0, 0, 0, null);

    public boolean ok() {
        return status.equals("ok");
    }
}
