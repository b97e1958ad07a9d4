package io.ctiserver.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.config.InputFile;
import io.ctiserver.config.Range;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The start-up check: walks the config tree along the records of {@link ConfigSections} and reports every unknown key
 * (with the closest known one), value of the wrong type, number out of its {@link Range}, {@link InputFile} that does
 * not exist, and value a record's constructor refuses; then the checks across sections. Keys starting with
 * {@code _} are comments.
 */
public final class ConfigValidator {

    private ConfigValidator() {
    }

    /** Every problem of {@code config}, empty when it is usable. */
    public static List<String> problems(ServerConfig config) {
        List<String> problems = new ArrayList<>();
        JsonNode root = config.root();
        if (!root.isObject()) {
            problems.add("the configuration must be an object of sections (" + String.join(", ",
                    ConfigSections.names()) + "), got " + ConfigTypes.what(root));
            return problems;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            if (name.startsWith("_")) {
                continue;
            }
            ConfigSections.find(name).ifPresentOrElse(
                    s -> walk(e.getValue(), s.type(), null, name, problems),
                    () -> problems.add(unknown(name, "section", ConfigSections.names())));
        }
        if (problems.isEmpty()) {
            ConfigSections.CHECKS.forEach(c -> c.check(config, problems));
        }
        return problems;
    }

    /** Throws a {@link ConfigException} naming {@code source} when {@code config} has any problem. */
    public static ServerConfig check(ServerConfig config, String source) {
        List<String> problems = problems(config);
        if (!problems.isEmpty()) {
            throw new ConfigException(source, problems);
        }
        return config;
    }

    private static void walk(JsonNode node, Type type, RecordComponent component, String path,
                             List<String> problems) {
        if (node.isNull()) {
            return; // the default
        }
        switch (ConfigTypes.kind(type)) {
            case RECORD -> record(node, type, path, problems);
            case LIST -> {
                if (!node.isArray()) {
                    problems.add(path + ": must be a " + ConfigTypes.describe(type) + ", got " + ConfigTypes.what(node));
                    return;
                }
                for (int i = 0; i < node.size(); i++) {
                    walk(node.get(i), ConfigTypes.inner(type), null, path + "[" + i + "]", problems);
                }
            }
            case MAP -> {
                if (!node.isObject()) {
                    problems.add(path + ": must be a " + ConfigTypes.describe(type) + ", got " + ConfigTypes.what(node));
                    return;
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    walk(e.getValue(), ConfigTypes.inner(type), null, path + "." + e.getKey(), problems);
                }
            }
            case STRING -> {
                if (!node.isValueNode()) {
                    problems.add(path + ": must be a string, got " + ConfigTypes.what(node));
                } else if (component != null && component.isAnnotationPresent(InputFile.class)) {
                    inputFile(node.asText(), path, problems);
                }
            }
            case INTEGER -> {
                if (!node.isIntegralNumber() || !node.canConvertToLong()
                        || (ConfigTypes.isInt32(type) && !node.canConvertToInt())) {
                    problems.add(path + ": must be an integer" + (ConfigTypes.isInt32(type) ? " (32 bits)" : "")
                            + ", got " + ConfigTypes.what(node));
                } else {
                    range(node.asLong(), component, path, problems);
                }
            }
            case NUMBER -> {
                if (!node.isNumber()) {
                    problems.add(path + ": must be a number, got " + ConfigTypes.what(node));
                }
            }
            case BOOLEAN -> {
                if (!node.isBoolean()) {
                    problems.add(path + ": must be true or false, got " + ConfigTypes.what(node));
                }
            }
            case ENUM -> {
                List<String> names = ConfigTypes.enumNames(ConfigTypes.raw(type));
                if (!node.isTextual() || !names.contains(node.asText().trim().toLowerCase(Locale.ROOT))) {
                    problems.add(path + ": must be one of " + String.join(", ", names) + ", got "
                            + ConfigTypes.what(node));
                }
            }
            case ANY -> {
            }
        }
    }

    private static void record(JsonNode node, Type type, String path, List<String> problems) {
        if (!node.isObject()) {
            problems.add(path + ": must be an object, got " + ConfigTypes.what(node));
            return;
        }
        int before = problems.size();
        List<String> keys = ConfigTypes.keys(type);
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            if (key.startsWith("_")) {
                continue;
            }
            RecordComponent c = ConfigTypes.component(type, key).orElse(null);
            if (c == null) {
                problems.add(keys.contains(key)
                        ? path + "." + key + ": must be a file name" // an unresolved xFile: SecretFiles ran first
                        : unknown(path + "." + key, "key", keys));
            } else {
                walk(e.getValue(), c.getGenericType(), c, path + "." + key, problems);
            }
        }
        if (problems.size() == before) {
            // the keys are right: now what the record itself refuses (a required key, two keys that clash)
            try {
                ServerConfig.mapper().treeToValue(node, ConfigTypes.raw(type));
            } catch (Exception e) {
                problems.add(path + ": " + reason(e));
            }
        }
    }

    private static void range(long value, RecordComponent component, String path, List<String> problems) {
        Range r = component == null ? null : component.getAnnotation(Range.class);
        if (r != null && (value < r.min() || value > r.max())) {
            String bounds = r.max() == Long.MAX_VALUE ? "at least " + r.min()
                    : r.min() == Long.MIN_VALUE ? "at most " + r.max()
                    : "between " + r.min() + " and " + r.max();
            problems.add(path + ": " + value + " is out of range (must be " + bounds + ")");
        }
    }

    private static void inputFile(String name, String path, List<String> problems) {
        if (name.startsWith("classpath:")) {
            String resource = name.substring("classpath:".length());
            if (ConfigValidator.class.getResource("/" + resource) == null) {
                problems.add(path + ": no resource '" + resource + "' in the jar");
            }
        } else if (!name.isBlank() && !Files.exists(Path.of(name))) {
            problems.add(path + ": file '" + name + "' does not exist");
        }
    }

    private static String unknown(String path, String what, List<String> known) {
        String key = path.substring(path.lastIndexOf('.') + 1);
        String text = path + ": unknown " + what;
        return ConfigTypes.closest(key, known).map(k -> text + " (did you mean '" + k + "'?)")
                .orElse(text + " (known: " + String.join(", ", known) + ")");
    }

    /** The record constructor's own message, without Jackson's wrapping. */
    private static String reason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int at = m.indexOf("\n at [Source");
        return at >= 0 ? m.substring(0, at) : m;
    }
}
