package io.ctiserver.server.storage.schema;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.ctiserver.server.storage.StorageConfig;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection pool (HikariCP) and the schema (Flyway migrations in {@code db/migration}, written for both H2 and
 * PostgreSQL). The pool starts even when the database is down (the journal then keeps the records); the schema is
 * migrated on the first successful connection ({@link #ensureSchema()}).
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource pool;
    private final Dialect dialect;
    private volatile boolean migrated;

    public Database(StorageConfig c) {
        this.dialect = Dialect.of(c.url());
        HikariConfig h = new HikariConfig();
        h.setJdbcUrl(withCacheSize(c.url(), dialect, c.h2CacheMiBOrDefault()));
        h.setUsername(c.user());
        String pw = c.resolvePassword();
        if (pw != null) {
            h.setPassword(pw);
        }
        h.setMaximumPoolSize(c.poolSize());
        h.setMinimumIdle(1);
        h.setPoolName("storage");
        // Start without a database: the writer keeps records in the journal until it answers.
        h.setInitializationFailTimeout(-1);
        h.setConnectionTimeout(2_000);
        h.setValidationTimeout(1_000);
        h.setAutoCommit(true);
        this.pool = new HikariDataSource(h);
        LOG.info("storage database {} ({})", redact(c.url()), dialect);
    }

    /** Runs the migrations once; throws while the database cannot be reached. */
    public void ensureSchema() {
        if (migrated) {
            return;
        }
        synchronized (this) {
            if (!migrated) {
                Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
                migrated = true;
            }
        }
    }

    public boolean migrated() {
        return migrated;
    }

    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    public DataSource dataSource() {
        return pool;
    }

    public Dialect dialect() {
        return dialect;
    }

    @Override
    public void close() {
        pool.close();
    }

    /**
     * An embedded H2 URL with its page cache set ({@code CACHE_SIZE}, in KiB) unless the URL sets one. Left to
     * itself H2 sizes the cache at 64 MiB per GiB of heap and fills it as the database grows, so the server's heap
     * grew with the number of calls stored (the soak run in reliability.md); a fixed size keeps it flat.
     */
    static String withCacheSize(String url, Dialect dialect, int mib) {
        if (dialect != Dialect.H2 || url.toUpperCase(java.util.Locale.ROOT).contains(";CACHE_SIZE=")) {
            return url;
        }
        return url + ";CACHE_SIZE=" + mib * 1024;
    }

    /** The URL without a password parameter, for logs. */
    public static String redact(String url) {
        return url.replaceAll("(?i)(password|pwd)=[^&;]*", "$1=***");
    }
}
