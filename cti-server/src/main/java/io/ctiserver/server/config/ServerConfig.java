package io.ctiserver.server.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The server's configuration: one YAML or JSON file with a section per feature ({@code pbx}, {@code agi},
 * {@code gateway}, {@code sim}, {@code routing}, ...). Each feature binds its own section to its own record with
 * {@link #section}, so that features do not depend on each other through a shared config class; the sections and
 * their records are listed in {@link ConfigSections}.
 *
 * <p>{@link #load} reads the file ({@code .yaml}/{@code .yml} as YAML, anything else as JSON), applies the
 * {@code CTI_*} environment variables ({@link EnvOverrides}), reads secrets from their files ({@link SecretFiles}) and
 * checks the result ({@link ConfigValidator}); any problem is a {@link ConfigException}. Without a file, the bundled
 * {@code demo-config.json} is used: the server with an in-process simulator.
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

    private static final ObjectMapper YAML = new YAMLMapper().registerModule(new JavaTimeModule());

    /** {@link #load(Path, Map)} with the process's environment. */
    public static ServerConfig load(Path file) throws IOException {
        return load(file, System.getenv());
    }

    /**
     * The file (or the bundled demo when {@code file} is null) with {@code env}'s {@code CTI_*} overrides and secret
     * files applied, checked.
     *
     * @throws ConfigException naming every problem: the file cannot be parsed, a key is unknown or has a wrong value
     */
    public static ServerConfig load(Path file, Map<String, String> env) throws IOException {
        String source = file == null ? "(bundled demo)" : file.toString();
        JsonNode tree;
        if (file == null) {
            tree = demo().root;
        } else {
            if (!Files.isRegularFile(file)) {
                throw new ConfigException(source, List.of("the file does not exist"));
            }
            tree = parse(file, source);
        }
        if (tree == null || tree.isMissingNode()) {
            tree = MAPPER.createObjectNode(); // an empty YAML file: every default
        }
        List<String> problems = new ArrayList<>();
        if (tree instanceof ObjectNode root) {
            EnvOverrides.apply(root, env, problems);
            SecretFiles.resolve(root, problems);
        }
        ServerConfig config = new ServerConfig(tree);
        problems.addAll(ConfigValidator.problems(config));
        if (!problems.isEmpty()) {
            throw new ConfigException(source, problems);
        }
        return config;
    }

    private static JsonNode parse(Path file, String source) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        ObjectMapper mapper = name.endsWith(".yaml") || name.endsWith(".yml") ? YAML : MAPPER;
        try (InputStream in = Files.newInputStream(file)) {
            return mapper.readTree(in);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
            throw new ConfigException(source, List.of(where + "not valid " + (mapper == YAML ? "YAML" : "JSON")
                    + " (" + e.getOriginalMessage() + ")"));
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

    /** The whole tree. */
    public JsonNode root() {
        return root;
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

    /** Reads YAML (and so JSON, a subset of it). */
    public static ObjectMapper yamlMapper() {
        return YAML;
    }
}
