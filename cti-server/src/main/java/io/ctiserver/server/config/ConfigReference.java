package io.ctiserver.server.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctiserver.config.DefaultIs;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Every key of every section with its type and default, computed from the records of {@link ConfigSections}: the
 * default is what the record (and the section's {@code effective} step) makes of a section that leaves the key out.
 * {@code docs/configuration.md} carries these rows plus a meaning for each, and a test holds the two together;
 * {@code cti-server config reference} prints them.
 */
public final class ConfigReference {

    /** One key: its path ({@code gateway.users[].iface}), type and default as the reference prints them. */
    public record Row(String path, String type, String defaultValue) {
    }

    /** Shown for a key without a default (its absence means "none"). */
    public static final String NONE = "—";
    /** Shown for a key the record requires. */
    public static final String REQUIRED = "required";
    /** A string every string key accepts, URLs included; shown as {@value #REQUIRED}. */
    private static final String REQUIRED_MARK = "http://required.invalid/";

    private ConfigReference() {
    }

    public static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (ConfigSections.Section<?> s : ConfigSections.ALL) {
            Object defaults = defaults(s.type());
            if (defaults != null) {
                defaults = s.effectiveOf(defaults);
            }
            record(s.type(), defaults, s.name(), rows);
        }
        return rows;
    }

    private static void record(Type type, Object instance, String path, List<Row> rows) {
        for (RecordComponent c : ConfigTypes.components(type)) {
            String key = path + "." + c.getName();
            Type t = c.getGenericType();
            Object value = instance == null ? null : read(c, instance);
            DefaultIs words = c.getAnnotation(DefaultIs.class);
            String shown = words != null ? words.value() : format(value, t);
            rows.add(new Row(key, ConfigTypes.describe(t), shown));
            if (ConfigTypes.isSecret(c)) {
                rows.add(new Row(key + ConfigTypes.FILE_SUFFIX, "string", NONE));
            }
            switch (ConfigTypes.kind(t)) {
                case RECORD -> record(t, value != null ? value : defaults(t), key, rows);
                case LIST, MAP -> {
                    Type inner = ConfigTypes.inner(t);
                    if (ConfigTypes.kind(inner) == ConfigTypes.Kind.RECORD) {
                        record(inner, defaults(inner), key + (ConfigTypes.kind(t) == ConfigTypes.Kind.LIST
                                ? "[]" : ".*"), rows);
                    }
                }
                default -> {
                }
            }
        }
    }

    /**
     * The record bound from an object with only its required keys, or null when none binds. The required keys are
     * found by elimination: every string key set to {@link #REQUIRED_MARK}, then each left out in turn while the
     * record still binds; what remains holds the mark, which the reference shows as {@value #REQUIRED}.
     */
    private static Object defaults(Type type) {
        ObjectNode keys = ServerConfig.mapper().createObjectNode();
        Object bound = bind(keys, type);
        if (bound != null) {
            return bound;
        }
        for (RecordComponent c : ConfigTypes.components(type)) {
            if (ConfigTypes.kind(c.getGenericType()) == ConfigTypes.Kind.STRING) {
                keys.put(c.getName(), REQUIRED_MARK);
            }
        }
        for (RecordComponent c : ConfigTypes.components(type)) {
            JsonNode v = keys.remove(c.getName());
            if (v != null && bind(keys, type) == null) {
                keys.set(c.getName(), v);
            }
        }
        return bind(keys, type);
    }

    private static Object bind(ObjectNode node, Type type) {
        try {
            return ServerConfig.mapper().treeToValue(node, ConfigTypes.raw(type));
        } catch (JsonProcessingException | RuntimeException e) {
            return null;
        }
    }

    private static Object read(RecordComponent c, Object instance) {
        try {
            return c.getAccessor().invoke(instance);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(c.toString(), e);
        }
    }

    private static String format(Object value, Type type) {
        if (value == null || ConfigTypes.kind(type) == ConfigTypes.Kind.RECORD) {
            return NONE;
        }
        if (REQUIRED_MARK.equals(value)) {
            return REQUIRED;
        }
        if ((value instanceof Collection<?> c && c.size() > 3) || (value instanceof Map<?, ?> m && m.size() > 3)) {
            return "built in, " + (value instanceof Collection<?> c ? c.size() : ((Map<?, ?>) value).size())
                    + " entries";
        }
        try {
            String json = ServerConfig.mapper().writeValueAsString(value);
            return json.length() > 60 ? "built in" : json;
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }

    /** The rows as the Markdown table lines of the reference, meanings left empty. */
    public static String markdown() {
        StringBuilder sb = new StringBuilder();
        String section = null;
        for (Row r : rows()) {
            String s = r.path().substring(0, r.path().indexOf('.'));
            if (!s.equals(section)) {
                section = s;
                sb.append("\n### `").append(s).append("`\n\n| key | type | default | meaning |\n|---|---|---|---|\n");
            }
            sb.append("| `").append(r.path()).append("` | ").append(r.type()).append(" | ")
                    .append(r.defaultValue().replace("|", "\\|")).append(" |  |\n");
        }
        return sb.toString();
    }
}
