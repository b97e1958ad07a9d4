package io.ctiserver.server.run;

import com.fasterxml.jackson.databind.node.IntNode;
import io.ctiserver.server.cli.CliArgs;
import io.ctiserver.server.cli.UsageException;
import io.ctiserver.server.cli.Verb;
import io.ctiserver.server.config.ConfigValidator;
import io.ctiserver.server.config.EnvOverrides;
import io.ctiserver.server.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/** {@code run}: starts the CTI server and keeps it up until the process is stopped. */
public final class RunCommand implements Verb {

    @Override
    public String name() {
        return "run";
    }

    @Override
    public String summary() {
        return "start the CTI server (demo mode with the built-in PBX simulator by default)";
    }

    @Override
    public String usage() {
        return """
                usage: java -jar cti-server.jar [run] [--config FILE] [--http-port N] [--agi-port N] [--sim-ami-port N]
                                                [--chat-port N]

                  --config FILE      the YAML or JSON config (docs/configuration.md); default: $CTI_CONFIG, else the
                                     bundled demo config: an in-process PBX simulator, demo users, FastAGI routing,
                                     desktops on :8080. CTI_* environment variables override its keys
                                     (CTI_GATEWAY_PORT=9090); a bad config exits with status 2
                  --http-port N      desktop gateway port (REST, WebSocket, web pages); overrides gateway.port
                  --agi-port N       FastAGI port; overrides agi.port
                  --sim-ami-port N   the simulator's AMI port in demo mode; overrides sim.amiPort
                  --chat-port N      the customers' chat port (widget and WebSocket); overrides omni.chat.port
                """;
    }

    @Override
    public int run(List<String> args) throws Exception {
        CliArgs a = CliArgs.parse(args, Set.of("config", "http-port", "agi-port", "sim-ami-port", "chat-port"),
                Set.of());
        if (!a.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + a.positional().get(0) + "'");
        }
        Path file = configFile(a);
        if (file != null && !Files.isReadable(file)) {
            throw new UsageException("config file " + file + " cannot be read");
        }
        ServerConfig config = ServerConfig.load(file);
        config = override(config, a, "http-port", "gateway", "port");
        config = override(config, a, "agi-port", "agi", "port");
        config = override(config, a, "sim-ami-port", "sim", "amiPort");
        config = overrideChatPort(config, a);
        ConfigValidator.check(config, file == null ? "(bundled demo)" : file.toString());

        CtiServer server = CtiServer.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
        return 0;
    }

    /** {@code --config}, else {@code $CTI_CONFIG}, else null (the bundled demo). */
    public static Path configFile(CliArgs a) {
        if (a.has("config")) {
            return Path.of(a.get("config", null));
        }
        String env = System.getenv(EnvOverrides.CONFIG_FILE_VARIABLE);
        return env == null || env.isBlank() ? null : Path.of(env);
    }

    /** {@code --chat-port}: the customers' chat port (omni.chat.port), when the config has an omni section. */
    private static ServerConfig overrideChatPort(ServerConfig config, CliArgs a) {
        if (!a.has("chat-port")) {
            return config;
        }
        int port = a.getInt("chat-port", 0);
        if (port < 0 || port > 65535) {
            throw new UsageException("--chat-port must be 0..65535");
        }
        io.ctiserver.server.omni.OmniConfig omni = config.section("omni", io.ctiserver.server.omni.OmniConfig.class,
                null);
        if (omni == null) {
            throw new UsageException("--chat-port needs an omni section in the config");
        }
        com.fasterxml.jackson.databind.node.ObjectNode chat = ServerConfig.mapper().createObjectNode();
        chat.setAll((com.fasterxml.jackson.databind.node.ObjectNode) ServerConfig.mapper().valueToTree(omni.chat()));
        chat.put("port", port);
        return config.with("omni", "chat", chat);
    }

    private static ServerConfig override(ServerConfig config, CliArgs a, String flag, String section, String field) {
        if (!a.has(flag)) {
            return config;
        }
        int port = a.getInt(flag, 0);
        if (port < 0 || port > 65535) {
            throw new UsageException("--" + flag + " must be a port number, got " + port);
        }
        return config.with(section, field, IntNode.valueOf(port));
    }
}
