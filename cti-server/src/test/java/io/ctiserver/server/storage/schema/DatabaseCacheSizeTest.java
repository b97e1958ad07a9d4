package io.ctiserver.server.storage.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ctiserver.server.storage.StorageConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Embedded H2's page cache is the configured {@code storage.h2CacheMiB}, not H2's own heap-scaled default (64 MiB
 * per GiB of heap), which let the server's heap grow with the database in the soak run.
 */
class DatabaseCacheSizeTest {

    @TempDir
    Path dir;

    @Test
    void theDefaultCacheIsEightMiB() throws Exception {
        StorageConfig c = StorageConfig.of(h2Url(), "sa", "", dir.resolve("journal")).withDefaults();
        assertEquals(8 * 1024, cacheKiB(c));
    }

    @Test
    void theConfiguredCacheIsUsed() throws Exception {
        StorageConfig c = withCache(StorageConfig.of(h2Url(), "sa", "", dir.resolve("journal")), 4).withDefaults();
        assertEquals(4 * 1024, cacheKiB(c));
    }

    @Test
    void aCacheSizeInTheUrlWins() throws Exception {
        StorageConfig c = withCache(StorageConfig.of(h2Url() + ";CACHE_SIZE=3072", "sa", "", dir.resolve("journal")),
                4).withDefaults();
        assertEquals(3072, cacheKiB(c));
    }

    @Test
    void postgresUrlsAreLeftAlone() {
        assertEquals("jdbc:postgresql://db/cti",
                Database.withCacheSize("jdbc:postgresql://db/cti", Dialect.POSTGRESQL, 16));
    }

    @Test
    void aCacheBelowOneMiBIsRefusedNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> withCache(StorageConfig.of(h2Url(), "sa", "", dir.resolve("journal")), 0).withDefaults());
        assertEquals("storage.h2CacheMiB must be at least 1, got 0", e.getMessage());
    }

    private String h2Url() {
        return "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath();
    }

    private static StorageConfig withCache(StorageConfig c, int mib) {
        return new StorageConfig(c.enabled(), c.url(), c.user(), c.password(), c.passwordFile(), c.passwordEnv(),
                c.poolSize(), c.journalDir(), c.queueCapacity(), c.batchSize(), c.maxReportDays(),
                c.serviceLevelSeconds(), c.serviceLevelTargetPercent(), c.shortAbandonSeconds(), c.retention(),
                c.schedule(), mib);
    }

    private static int cacheKiB(StorageConfig c) throws SQLException {
        try (Database db = new Database(c); Connection con = connect(db); Statement st = con.createStatement();
             ResultSet rs = st.executeQuery(
                     "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'CACHE_SIZE'")) {
            rs.next();
            return Integer.parseInt(rs.getString(1));
        }
    }

    /** The pool's first connection; H2's first open can take longer than the pool's 2 s on a loaded machine. */
    private static Connection connect(Database db) throws SQLException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try {
                return db.connection();
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }
}
