package io.ctiserver.server.storage.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL for tests. With {@code CTI_TEST_PG_URL} set (e.g. {@code jdbc:postgresql://127.0.0.1:5432/postgres}
 * with {@code CTI_TEST_PG_USER} / {@code CTI_TEST_PG_PASSWORD}) that server is used; otherwise one throwaway cluster
 * per test JVM: {@code initdb} and {@code pg_ctl} from {@code /usr/lib/postgresql/<version>/bin} (package
 * {@code postgresql}, which {@code .ci/install-deps} installs), in a temporary folder, on a free port, listening on
 * 127.0.0.1 only, trust authentication, stopped and deleted at JVM exit. As root it runs them as the {@code postgres}
 * user (PostgreSQL refuses to run as root).
 *
 * <p>If PostgreSQL cannot be started, {@link #get()} throws with the reason: the tests that need it fail, loudly.
 */
public final class PostgresCluster {

    private static PostgresCluster instance;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final String baseUrl;
    private final String user;
    private final String password;

    private PostgresCluster(String baseUrl, String user, String password) {
        this.baseUrl = baseUrl;
        this.user = user;
        this.password = password;
    }

    /** The JVM's cluster, started on first use. */
    public static synchronized PostgresCluster get() {
        if (instance == null) {
            String url = System.getenv("CTI_TEST_PG_URL");
            if (url != null && !url.isBlank()) {
                String u = System.getenv().getOrDefault("CTI_TEST_PG_USER", "postgres");
                instance = new PostgresCluster(url.substring(0, url.lastIndexOf('/') + 1), u,
                        System.getenv("CTI_TEST_PG_PASSWORD"));
            } else {
                try {
                    instance = startThrowaway();
                } catch (IOException | InterruptedException | RuntimeException e) {
                    throw new IllegalStateException("PostgreSQL could not be started for the storage tests: " + e
                            .getMessage() + ". Install the package 'postgresql' (.ci/install-deps does) or set "
                            + "CTI_TEST_PG_URL to a server the tests may create databases on.", e);
                }
            }
        }
        return instance;
    }

    /** A new, empty database on the cluster; its JDBC URL. */
    public String newDatabase(String prefix) {
        String name = (prefix + "_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet())
                .toLowerCase().replaceAll("[^a-z0-9_]", "_");
        try (Connection c = DriverManager.getConnection(baseUrl + "postgres", user, password);
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name + ": " + e.getMessage(), e);
        }
        return baseUrl + name;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    // ---- the throwaway cluster -----------------------------------------------------------------------------------

    private static PostgresCluster startThrowaway() throws IOException, InterruptedException {
        Path bin = findBin();
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("cti-pg-");
        Path data = dir.resolve("data");
        if (root) {
            run(List.of("chown", "postgres:postgres", dir.toString()), false, dir);
        }
        run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "--auth=trust",
                "-E", "UTF8", "--no-sync"), root, dir);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String opts = "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dir + " -c fsync=off "
                + "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200";
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("log").toString(),
                "-o", opts, "-w", "-t", "60", "start"), root, dir);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w",
                        "stop"), root, dir);
            } catch (IOException | InterruptedException | RuntimeException ignored) {
                // the JVM is going away; the temp folder is deleted below
            }
            try (Stream<Path> w = Files.walk(dir)) {
                w.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // best effort
            }
        }, "pg-cluster-stop"));
        return new PostgresCluster("jdbc:postgresql://127.0.0.1:" + port + "/", "postgres", null);
    }

    private static Path findBin() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            throw new IOException("no /usr/lib/postgresql (PostgreSQL server binaries not installed)");
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(p -> versionOf(p.getParent().getFileName().toString())))
                    .orElseThrow(() -> new IOException("no initdb/pg_ctl under /usr/lib/postgresql/*/bin"));
        }
    }

    private static Integer versionOf(String s) {
        try {
            return Integer.parseInt(s.replaceAll("\\..*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void run(List<String> cmd, boolean asPostgres, Path cwd) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgres) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(cmd);
        Process p = new ProcessBuilder(full).directory(cwd.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " did not finish in 120 s");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", full) + " failed (" + p.exitValue() + "): " + new String(out));
        }
    }
}
