package io.ctiserver.server.storage;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.ctiserver.server.storage.reports.BreakSchedule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code storage} section of the server config. Every field is optional; the default is an embedded H2 file
 * database under {@code data/} (created on first start) with its journal beside it.
 *
 * <pre>{@code "storage": {"url": "jdbc:postgresql://db:5432/cti", "user": "cti", "passwordFile": "/etc/cti/db.pw",
 *     "poolSize": 4, "journalDir": "/var/lib/cti/journal", "retention": {"callRecordsDays": 400}}}</pre>
 *
 * <p>The password comes from {@code password}, else the file {@code passwordFile} (first line), else the environment
 * variable named by {@code passwordEnv}. It is never logged: {@link #toString()} hides it.
 *
 * @param enabled         false turns storage off (history and reports answer 404)
 * @param queueCapacity   records waiting for the journal writer; beyond, a record is refused and counted
 * @param batchSize       rows per database transaction
 * @param maxReportDays   the longest range a history or report query may ask for
 * @param serviceLevelSeconds T of the interval reports' service level and of Erlang C's target
 * @param serviceLevelTargetPercent the service-level goal Erlang C staffs for
 * @param schedule        planned breaks, for the agent report's adherence to pauses
 * @param h2CacheMiB      embedded H2's page cache, MiB (H2's own default is 64 MiB per GiB of heap, so it grew with
 *                        the database up to an eighth of the heap); ignored for PostgreSQL and when the URL sets
 *                        {@code CACHE_SIZE} itself
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StorageConfig(Boolean enabled, String url, String user, String password, String passwordFile,
                            String passwordEnv, Integer poolSize, String journalDir, Integer queueCapacity,
                            Integer batchSize, Integer maxReportDays, Integer serviceLevelSeconds,
                            Integer serviceLevelTargetPercent, Integer shortAbandonSeconds, Retention retention,
                            BreakSchedule schedule, Integer h2CacheMiB) {

    public static final String SECTION = "storage";
    public static final int DEFAULT_H2_CACHE_MIB = 8;

    /** Every field but {@code h2CacheMiB} (its default). */
    public StorageConfig(Boolean enabled, String url, String user, String password, String passwordFile,
                         String passwordEnv, Integer poolSize, String journalDir, Integer queueCapacity,
                         Integer batchSize, Integer maxReportDays, Integer serviceLevelSeconds,
                         Integer serviceLevelTargetPercent, Integer shortAbandonSeconds, Retention retention,
                         BreakSchedule schedule) {
        this(enabled, url, user, password, passwordFile, passwordEnv, poolSize, journalDir, queueCapacity, batchSize,
                maxReportDays, serviceLevelSeconds, serviceLevelTargetPercent, shortAbandonSeconds, retention,
                schedule, null);
    }
    public static final String DEFAULT_URL = "jdbc:h2:file:./data/cti;DB_CLOSE_ON_EXIT=FALSE";
    public static final String DEFAULT_JOURNAL = "data/journal";

    /** Days kept per table; the purge runs daily. {@code contactsDays}: chats and emails with their transcripts. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Retention(Integer callRecordsDays, Integer agentStatesDays, Integer intervalsDays,
                            Integer auditDays, Integer dispositionsDays, Integer surveysDays,
                            Integer routeDecisionsDays, Integer contactsDays) {

        public static Retention defaults() {
            return new Retention(400, 400, 3 * 366, 400, 400, 400, 400, 400);
        }

        Retention withDefaults() {
            Retention d = defaults();
            return new Retention(or(callRecordsDays, d.callRecordsDays), or(agentStatesDays, d.agentStatesDays),
                    or(intervalsDays, d.intervalsDays), or(auditDays, d.auditDays),
                    or(dispositionsDays, d.dispositionsDays), or(surveysDays, d.surveysDays),
                    or(routeDecisionsDays, d.routeDecisionsDays), or(contactsDays, d.contactsDays));
        }
    }

    public static StorageConfig defaults() {
        return new StorageConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null);
    }

    /** A config for this JDBC URL and journal folder, everything else default (tests, bench). */
    public static StorageConfig of(String url, String user, String password, Path journalDir) {
        return new StorageConfig(true, url, user, password, null, null, null, journalDir.toString(), null, null,
                null, null, null, null, null, null);
    }

    /** This config with planned breaks (tests, bench). */
    public StorageConfig withSchedule(BreakSchedule s) {
        return new StorageConfig(enabled, url, user, password, passwordFile, passwordEnv, poolSize, journalDir,
                queueCapacity, batchSize, maxReportDays, serviceLevelSeconds, serviceLevelTargetPercent,
                shortAbandonSeconds, retention, s, h2CacheMiB);
    }

    /** The H2 page cache in MiB: {@code h2CacheMiB} or its default. */
    public int h2CacheMiBOrDefault() {
        return or(h2CacheMiB, DEFAULT_H2_CACHE_MIB);
    }

    /** Every field filled in with its default; a bad value fails naming it. */
    public StorageConfig withDefaults() {
        StorageConfig c = new StorageConfig(or(enabled, true), url == null || url.isBlank() ? DEFAULT_URL : url,
                user == null ? (url == null ? "sa" : null) : user, password, passwordFile, passwordEnv,
                or(poolSize, 4), journalDir == null ? DEFAULT_JOURNAL : journalDir, or(queueCapacity, 200_000),
                or(batchSize, 1_000), or(maxReportDays, 92), or(serviceLevelSeconds, 20),
                or(serviceLevelTargetPercent, 80), or(shortAbandonSeconds, 5),
                retention == null ? Retention.defaults() : retention.withDefaults(),
                schedule == null ? BreakSchedule.none() : schedule.validated(), or(h2CacheMiB, DEFAULT_H2_CACHE_MIB));
        positive("poolSize", c.poolSize);
        positive("h2CacheMiB", c.h2CacheMiB);
        positive("queueCapacity", c.queueCapacity);
        positive("batchSize", c.batchSize);
        positive("maxReportDays", c.maxReportDays);
        positive("serviceLevelSeconds", c.serviceLevelSeconds);
        if (c.serviceLevelTargetPercent < 1 || c.serviceLevelTargetPercent > 99) {
            throw new IllegalArgumentException("storage.serviceLevelTargetPercent must be 1..99");
        }
        Retention r = c.retention;
        positive("retention.callRecordsDays", r.callRecordsDays());
        positive("retention.agentStatesDays", r.agentStatesDays());
        positive("retention.intervalsDays", r.intervalsDays());
        positive("retention.auditDays", r.auditDays());
        positive("retention.dispositionsDays", r.dispositionsDays());
        positive("retention.surveysDays", r.surveysDays());
        positive("retention.routeDecisionsDays", r.routeDecisionsDays());
        positive("retention.contactsDays", r.contactsDays());
        return c;
    }

    /** The database password from {@code password}, {@code passwordFile} or {@code passwordEnv}, or null. */
    public String resolvePassword() {
        if (password != null) {
            return password;
        }
        if (passwordFile != null) {
            try {
                String s = Files.readString(Path.of(passwordFile), StandardCharsets.UTF_8);
                int nl = s.indexOf('\n');
                return (nl < 0 ? s : s.substring(0, nl)).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("storage.passwordFile: cannot read " + passwordFile + ": "
                        + e.getClass().getSimpleName());
            }
        }
        if (passwordEnv != null) {
            String v = System.getenv(passwordEnv);
            if (v == null) {
                throw new IllegalArgumentException("storage.passwordEnv: environment variable " + passwordEnv
                        + " is not set");
            }
            return v;
        }
        return null;
    }

    /** Without the password. */
    @Override
    public String toString() {
        String shown = url == null ? null : io.ctiserver.server.storage.schema.Database.redact(url);
        return "StorageConfig[url=" + shown + ", user=" + user + ", password=" + (password == null ? "-" : "***")
                + ", poolSize=" + poolSize + ", journalDir=" + journalDir + "]";
    }

    private static void positive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException("storage." + name + " must be at least 1, got " + v);
        }
    }

    private static int or(Integer v, int d) {
        return v == null ? d : v;
    }

    private static boolean or(Boolean v, boolean d) {
        return v == null ? d : v;
    }
}
