package io.ctiserver.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Environment variables override the file: {@code CTI_} followed by the key path, each key in upper snake case
 * ({@code tokenTtlSeconds} -> {@code TOKEN_TTL_SECONDS}), path parts joined by {@code _}, list entries by their index.
 * {@code CTI_GATEWAY_PORT=9090} sets {@code gateway.port}; {@code CTI_PBX_SERVERS_0_SECRET} sets
 * {@code pbx.servers[0].secret} and {@code CTI_PBX_SERVERS_0_SECRET_FILE} its {@code secretFile}. A value starting
 * with {@code [} or <code>{</code> is read as JSON/YAML and replaces the whole list or object. A map entry's key is
 * the rest of the name in lower case. The whole rule is in {@code docs/configuration.md}.
 *
 * <p>Names that are not config keys: {@code CTI_CONFIG} (the config file) and {@code CTI_LIVE_*} (the live test
 * suite). Any other {@code CTI_*} variable that names no key is an error, like an unknown key in the file.
 */
public final class EnvOverrides {

    public static final String PREFIX = "CTI_";
    /** The config file when {@code --config} is not given. */
    public static final String CONFIG_FILE_VARIABLE = "CTI_CONFIG";
    private static final String RESERVED_PREFIX = "CTI_LIVE_";

    private EnvOverrides() {
    }

    /** Applies every {@code CTI_*} variable to {@code root}, in name order; a variable that does not fit is a problem. */
    static void apply(ObjectNode root, Map<String, String> env, List<String> problems) {
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(PREFIX) || name.equals(CONFIG_FILE_VARIABLE) || name.startsWith(RESERVED_PREFIX)) {
                continue;
            }
            List<String> tokens = Arrays.asList(name.substring(PREFIX.length()).split("_", -1));
            new Override(name, e.getValue(), problems).intoRoot(root, tokens);
        }
    }

    /** One variable being applied. */
    private record Override(String variable, String value, List<String> problems) {

        void intoRoot(ObjectNode root, List<String> tokens) {
            for (ConfigSections.Section<?> s : ConfigSections.ALL) {
                List<String> key = split(ConfigTypes.envName(s.name()));
                if (startsWith(tokens, key)) {
                    JsonNode section = root.get(s.name());
                    ObjectNode obj = section instanceof ObjectNode o ? o : root.putObject(s.name());
                    List<String> rest = tokens.subList(key.size(), tokens.size());
                    if (rest.isEmpty()) {
                        root.set(s.name(), parse(s.type(), s.name()));
                    } else {
                        intoRecord(obj, s.type(), rest, s.name());
                    }
                    return;
                }
            }
            unknown(ConfigSections.names(), "");
        }

        private void intoRecord(ObjectNode obj, Type type, List<String> tokens, String path) {
            String bestKey = null;
            int bestLength = 0;
            for (String key : ConfigTypes.keys(type)) {
                List<String> parts = split(ConfigTypes.envName(key));
                if (parts.size() > bestLength && startsWith(tokens, parts)) {
                    bestKey = key;
                    bestLength = parts.size();
                }
            }
            if (bestKey == null) {
                unknown(ConfigTypes.keys(type), path + ".");
                return;
            }
            List<String> rest = tokens.subList(bestLength, tokens.size());
            String childPath = path + "." + bestKey;
            RecordComponent c = ConfigTypes.component(type, bestKey).orElse(null);
            if (c == null) { // xFile of a secret x: a file name; the file's value then replaces an inline x
                if (!rest.isEmpty()) {
                    unknown(List.of(), childPath + ".");
                    return;
                }
                obj.put(bestKey, value);
                obj.remove(bestKey.substring(0, bestKey.length() - ConfigTypes.FILE_SUFFIX.length()));
                return;
            }
            if (ConfigTypes.isSecret(c)) {
                obj.remove(bestKey + ConfigTypes.FILE_SUFFIX);
            }
            into(obj, bestKey, c.getGenericType(), rest, childPath);
        }

        /** Sets {@code container[key]} (the rest of the name empty) or descends into it. */
        private void into(ObjectNode container, String key, Type type, List<String> rest, String path) {
            if (rest.isEmpty()) {
                container.set(key, parse(type, path));
                return;
            }
            switch (ConfigTypes.kind(type)) {
                case RECORD -> {
                    JsonNode child = container.get(key);
                    intoRecord(child instanceof ObjectNode o ? o : container.putObject(key), type, rest, path);
                }
                case LIST -> intoList(container, key, type, rest, path);
                case MAP -> {
                    JsonNode child = container.get(key);
                    ObjectNode map = child instanceof ObjectNode o ? o : container.putObject(key);
                    String entry = String.join("_", rest).toLowerCase(Locale.ROOT);
                    map.set(entry, parse(ConfigTypes.inner(type), path + "." + entry));
                }
                default -> unknown(List.of(), path + ".");
            }
        }

        private void intoList(ObjectNode container, String key, Type type, List<String> rest, String path) {
            int index;
            try {
                index = Integer.parseInt(rest.get(0));
            } catch (NumberFormatException e) {
                problems.add("environment " + variable + ": '" + rest.get(0) + "' after " + path
                        + " must be a list index (0, 1, ...)");
                return;
            }
            JsonNode child = container.get(key);
            ArrayNode list = child instanceof ArrayNode a ? a : container.putArray(key);
            if (index > list.size()) {
                problems.add("environment " + variable + ": " + path + " has " + list.size()
                        + " entries, so the next index is " + list.size() + ", not " + index);
                return;
            }
            Type element = ConfigTypes.inner(type);
            String elementPath = path + "[" + index + "]";
            List<String> more = rest.subList(1, rest.size());
            if (index == list.size()) {
                list.add(ConfigTypes.kind(element) == ConfigTypes.Kind.RECORD && !more.isEmpty()
                        ? list.objectNode() : NullNode.getInstance());
            }
            if (more.isEmpty()) {
                list.set(index, parse(element, elementPath));
            } else if (ConfigTypes.kind(element) == ConfigTypes.Kind.RECORD) {
                JsonNode e = list.get(index);
                ObjectNode obj = e instanceof ObjectNode o ? o : list.objectNode();
                list.set(index, obj);
                intoRecord(obj, element, more, elementPath);
            } else {
                unknown(List.of(), elementPath + ".");
            }
        }

        /** The variable's value as a node of the key's kind; the check that follows reports a value out of range. */
        private JsonNode parse(Type type, String path) {
            String v = value.trim();
            if (v.startsWith("[") || v.startsWith("{")) {
                try {
                    return ServerConfig.yamlMapper().readTree(v);
                } catch (IOException e) {
                    problems.add("environment " + variable + " (" + path + "): not valid JSON/YAML");
                    return NullNode.getInstance();
                }
            }
            try {
                return switch (ConfigTypes.kind(type)) {
                    case INTEGER -> LongNode.valueOf(Long.parseLong(v));
                    case NUMBER -> DoubleNode.valueOf(Double.parseDouble(v));
                    case BOOLEAN -> {
                        if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                            throw new NumberFormatException();
                        }
                        yield BooleanNode.valueOf(Boolean.parseBoolean(v));
                    }
                    case LIST, MAP, RECORD -> {
                        problems.add("environment " + variable + " (" + path + "): needs a JSON value ("
                                + ConfigTypes.describe(type) + "), or name a key inside it");
                        yield NullNode.getInstance();
                    }
                    default -> TextNode.valueOf(value);
                };
            } catch (NumberFormatException e) {
                problems.add("environment " + variable + " (" + path + "): '" + v + "' is not "
                        + article(ConfigTypes.describe(type)));
                return NullNode.getInstance();
            }
        }

        private void unknown(List<String> keys, String prefix) {
            String text = "environment " + variable + ": names no configuration key";
            List<String> candidates = new ArrayList<>();
            keys.forEach(k -> candidates.add(prefix + k));
            String suggestion = ConfigTypes.closest(variable, candidates.stream()
                    .map(EnvOverrides::variableOf).toList()).orElse(null);
            problems.add(suggestion == null ? text : text + " (did you mean " + suggestion + "?)");
        }
    }

    /** {@code gateway.users[0].iface} -> {@code CTI_GATEWAY_USERS_0_IFACE}. */
    public static String variableOf(String path) {
        StringBuilder sb = new StringBuilder(PREFIX);
        for (String part : path.replace("[", ".").replace("]", "").split("\\.")) {
            if (part.isEmpty()) {
                continue;
            }
            if (sb.length() > PREFIX.length()) {
                sb.append('_');
            }
            sb.append(ConfigTypes.envName(part));
        }
        return sb.toString();
    }

    private static String article(String what) {
        return (what.startsWith("integer") ? "an " : "a ") + what;
    }

    private static List<String> split(String envName) {
        return Arrays.asList(envName.split("_"));
    }

    private static boolean startsWith(List<String> tokens, List<String> prefix) {
        return tokens.size() >= prefix.size() && tokens.subList(0, prefix.size()).equals(prefix);
    }
}
