package io.ctiserver.server.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctiserver.ami.AmiLinkState;
import io.ctiserver.server.config.ServerConfig;
import io.ctiserver.server.gateway.auth.PasswordHash;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;

/** The bundled demo server for tests: free ports, no random traffic, one known password for every user. */
public final class DemoServers {

    private DemoServers() {
    }

    /**
     * The demo config on ephemeral ports, with no generated traffic; tests place their own calls. The demo's
     * server-side wrap-up is off (agents take the next call at once), except for a test that sets {@code wrapUp}.
     */
    public static ObjectNode config() {
        try (InputStream in = DemoServers.class.getResourceAsStream(ServerConfig.DEMO_RESOURCE)) {
            ObjectNode root = (ObjectNode) ServerConfig.mapper().readTree(in);
            root.withObject("/sim").put("amiPort", 0).put("arrivalsPerSecond", 0.0).put("agiTimeoutMs", 5000);
            root.withObject("/agi").put("port", 0);
            root.withObject("/wrapUp").put("seconds", 0).putObject("queues");
            root.withObject("/gateway").put("port", 0);
            root.withObject("/omni").withObject("/chat").put("port", 0).put("bind", "127.0.0.1");
            // a database and journal of its own per server: never the working directory's data/ folder
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("cti-demo-storage-");
            root.withObject("/storage").put("url", "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath())
                    .put("user", "sa").put("password", "").put("journalDir", dir.resolve("journal").toString());
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Gives every gateway user {@code password} (hashed with few iterations: tests log in often). */
    public static ObjectNode withPassword(ObjectNode root, String password) {
        String hash = PasswordHash.hash(password.toCharArray(), 1000);
        root.withObject("/gateway").withArray("users").forEach(u -> ((ObjectNode) u).put("password", hash));
        return root;
    }

    /** Starts the server and waits until its AMI link to the simulator is fully booted. */
    public static CtiServer start(ObjectNode root) throws Exception {
        CtiServer server = CtiServer.start(ServerConfig.of(root));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (server.amiClient(CtiServer.DEMO_PBX).state() != AmiLinkState.FULLY_BOOTED) {
            if (System.nanoTime() > deadline) {
                server.close();
                throw new AssertionError("AMI link to the simulator never came up");
            }
            Thread.sleep(20);
        }
        return server;
    }
}
