package io.ctiserver.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.server.storage.testing.PostgresCluster;
import io.ctiserver.server.storage.testing.Rows;
import io.ctiserver.server.storage.testing.TcpProxy;
import io.ctiserver.server.storage.testing.TestDatabases;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.tools.Server;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The database goes away under traffic (its TCP connections cut and refused by a relay, as a network or database
 * failure does) for {@value #OUTAGE_MS} ms: nothing is lost, health says degraded with the journal depth while it
 * lasts, and the backlog drains when the database is back.
 */
class DatabaseOutageTest {

    static final long OUTAGE_MS = 6_000;

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("io.ctiserver.server.storage.testing.TestDatabases#both")
    void nothingIsLostWhileTheDatabaseIsDown(TestDatabases kind) throws Exception {
        Server h2 = null;
        String host;
        int port;
        String url;
        String user;
        String password;
        if (kind == TestDatabases.H2) {
            h2 = Server.createTcpServer("-tcpPort", "0", "-ifNotExists", "-baseDir", dir.toString()).start();
            host = "127.0.0.1";
            port = h2.getPort();
            url = null;
            user = "sa";
            password = "";
        } else {
            PostgresCluster pg = PostgresCluster.get();
            url = pg.newDatabase("outage");
            URI u = URI.create(url.substring("jdbc:".length()));
            host = u.getHost();
            port = u.getPort();
            user = pg.user();
            password = pg.password();
        }
        try (TcpProxy proxy = new TcpProxy(host, port)) {
            String viaProxy = kind == TestDatabases.H2 ? "jdbc:h2:tcp://127.0.0.1:" + proxy.port() + "/outage"
                    : url.replace(host + ":" + port, "127.0.0.1:" + proxy.port());
            StorageConfig c = StorageConfig.of(viaProxy, user, password, dir.resolve("journal"));
            try (Storage s = Storage.start(c)) {
                AtomicBoolean run = new AtomicBoolean(true);
                AtomicLong offered = new AtomicLong();
                Thread traffic = new Thread(() -> {
                    Instant t0 = Instant.parse("2026-11-23T10:00:00Z");
                    while (run.get()) {
                        for (int i = 0; i < 20; i++) {
                            long n = offered.getAndIncrement();
                            Row r = Rows.call("o" + n, "555" + (n % 1000), "support", "PJSIP/a1", "answered", 3,
                                    30, t0.plusMillis(n));
                            assertTrue(s.offer(r), "accepted without waiting");
                        }
                        try {
                            Thread.sleep(10); // about 2,000 rows a second
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "traffic");
                traffic.start();
                StorageTest.await(() -> s.writer().written() > 500, "writing before the outage");
                assertEquals("ok", s.health().status());

                proxy.cut();
                Thread.sleep(OUTAGE_MS);
                StorageHealth during = s.health();
                assertEquals("degraded", during.status(), during.toString());
                assertEquals("down", during.database());
                assertTrue(during.journalDepth() > 1_000, "the journal holds the backlog: " + during);

                proxy.restore();
                Thread.sleep(1_000);
                run.set(false);
                traffic.join();
                StorageTest.await(() -> s.writer().written() >= offered.get() && s.health().journalDepth() == 0,
                        "the backlog drains");
                StorageHealth after = s.health();
                assertEquals("ok", after.status(), after.toString());
                assertEquals(0, after.refused());
                try (Connection conn = s.database().connection()) {
                    assertEquals(offered.get(), StorageTest.count(conn, "call_records"));
                }
            }
        } finally {
            if (h2 != null) {
                h2.stop();
            }
        }
    }
}
