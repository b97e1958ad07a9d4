package io.ctiserver.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.server.storage.testing.PostgresCluster;
import io.ctiserver.server.storage.testing.TestDatabases;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code kill -9}: a real child JVM ({@link CrashChild}) accepts rows, reports them durable, goes on writing, and is
 * killed with {@code destroyForcibly} (SIGKILL). After a restart on the same journal every row it reported durable
 * is in the database.
 */
class CrashRecoveryTest {

    static final int N = 2_000;

    @TempDir
    Path dir;

    /** The database is down while the child runs: the rows exist only in its journal when it dies. */
    @ParameterizedTest
    @MethodSource("io.ctiserver.server.storage.testing.TestDatabases#both")
    void rowsInTheJournalOfAKilledProcessReachTheDatabase(TestDatabases kind) throws Exception {
        Path journal = dir.resolve("journal");
        runAndKill("jdbc:postgresql://127.0.0.1:1/nothing-listens-here", "x", "-", journal);
        StorageConfig db = kind.config(dir);
        StorageConfig c = new StorageConfig(true, db.url(), db.user(), db.password(), null, null, null,
                journal.toString(), null, null, null, null, null, null, null, null);
        assertAllThere(c);
    }

    /** The database is up (PostgreSQL, a server the child and this JVM share) and the child dies mid-stream. */
    @Test
    void aProcessKilledWhileWritingLosesNothingItReportedDurable() throws Exception {
        PostgresCluster pg = PostgresCluster.get();
        String url = pg.newDatabase("crash");
        Path journal = dir.resolve("journal");
        runAndKill(url, pg.user(), pg.password() == null ? "-" : pg.password(), journal);
        assertAllThere(new StorageConfig(true, url, pg.user(), pg.password(), null, null, null, journal.toString(),
                null, null, null, null, null, null, null, null));
    }

    private void runAndKill(String url, String user, String password, Path journal) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(), url, user,
                password, journal.toString(), Integer.toString(N)));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.startsWith("DURABLE"));
            assertEquals("DURABLE " + N, line, "the child did not report its rows durable");
            Thread.sleep(300); // let it write more, so the kill lands while it is busy
            p.destroyForcibly();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(137, p.exitValue(), "killed by SIGKILL");
        }
    }

    private static void assertAllThere(StorageConfig c) throws Exception {
        try (Storage s = Storage.start(c)) {
            StorageTest.await(() -> s.writer().written() >= N && s.health().journalDepth() == 0,
                    "the journal replayed");
            try (Connection conn = s.database().connection(); PreparedStatement ps = conn.prepareStatement(
                    "SELECT COUNT(*) FROM call_records WHERE call_id LIKE 'crash-%'")) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertEquals(N, rs.getLong(1));
                }
            }
        }
    }
}
