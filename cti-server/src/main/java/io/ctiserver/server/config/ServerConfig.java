package io.ctiserver.server.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The server's configuration: one JSON file with a section per feature ({@code pbx}, {@code agi}, {@code gateway},
 * {@code sim}, {@code routing}, ...). Each feature binds its own section to its own record with {@link #section}, so
 * that features do not depend on each other through a shared config class.
 *
 * <p>Without a file, the bundled {@code demo-config.json} is used: the server with an in-process simulator.
 */
public final class ServerConfig {

    public static final String DEMO_RESOURCE = "/demo-config.json";

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final JsonNode root;

    private ServerConfig(JsonNode root) {
        this.root = root;
    }

    public static ServerConfig load(Path file) throws IOException {
        if (file == null) {
            return demo();
        }
        try (InputStream in = Files.newInputStream(file)) {
            return new ServerConfig(MAPPER.readTree(in));
        }
    }

    public static ServerConfig demo() throws IOException {
        try (InputStream in = ServerConfig.class.getResourceAsStream(DEMO_RESOURCE)) {
            if (in == null) {
                throw new IOException("bundled " + DEMO_RESOURCE + " is missing from the jar");
            }
            return new ServerConfig(MAPPER.readTree(in));
        }
    }

    public static ServerConfig of(JsonNode root) {
        return new ServerConfig(root);
    }

    /** A copy with {@code section.field} set to {@code value} (the section is created when missing). */
    public ServerConfig with(String section, String field, JsonNode value) {
        ObjectNode copy = root.isObject() ? ((ObjectNode) root).deepCopy() : MAPPER.createObjectNode();
        JsonNode s = copy.get(section);
        ObjectNode target = s instanceof ObjectNode o ? o : copy.putObject(section);
        target.set(field, value);
        return new ServerConfig(copy);
    }

    /** The raw section, or a missing node. */
    public JsonNode raw(String name) {
        JsonNode n = root.get(name);
        return n == null ? MissingNode.getInstance() : n;
    }

    /** Binds a section to {@code type}; a missing section gives {@code fallback}. */
    public <T> T section(String name, Class<T> type, T fallback) {
        JsonNode n = root.get(name);
        if (n == null || n.isNull()) {
            return fallback;
        }
        try {
            return MAPPER.treeToValue(n, type);
        } catch (IOException e) {
            throw new IllegalArgumentException("config section '" + name + "': " + e.getMessage(), e);
        }
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
