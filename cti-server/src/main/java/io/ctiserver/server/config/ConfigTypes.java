package io.ctiserver.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.config.Secret;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** What the config records look like, read by reflection: the kind of each key, its name as an environment variable. */
final class ConfigTypes {

    /** The kinds of value a key can hold. */
    enum Kind { STRING, INTEGER, NUMBER, BOOLEAN, ENUM, LIST, MAP, RECORD, ANY }

    /** Suffix of the pseudo key that names a file holding a {@link Secret}'s value ({@code secretFile}). */
    static final String FILE_SUFFIX = "File";

    private ConfigTypes() {
    }

    static Class<?> raw(Type t) {
        if (t instanceof Class<?> c) {
            return c;
        }
        if (t instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        return Object.class;
    }

    static Kind kind(Type t) {
        Class<?> c = raw(t);
        if (c == String.class) {
            return Kind.STRING;
        }
        if (c == int.class || c == Integer.class || c == long.class || c == Long.class
                || c == short.class || c == Short.class) {
            return Kind.INTEGER;
        }
        if (c == double.class || c == Double.class || c == float.class || c == Float.class) {
            return Kind.NUMBER;
        }
        if (c == boolean.class || c == Boolean.class) {
            return Kind.BOOLEAN;
        }
        if (c.isEnum()) {
            return Kind.ENUM;
        }
        if (List.class.isAssignableFrom(c)) {
            return Kind.LIST;
        }
        if (Map.class.isAssignableFrom(c)) {
            return Kind.MAP;
        }
        if (c.isRecord()) {
            return Kind.RECORD;
        }
        return Kind.ANY;
    }

    /** The element type of a list, or the value type of a map. */
    static Type inner(Type t) {
        if (t instanceof ParameterizedType p) {
            Type[] args = p.getActualTypeArguments();
            return args[args.length - 1];
        }
        return Object.class;
    }

    static boolean isInt32(Type t) {
        Class<?> c = raw(t);
        return c == int.class || c == Integer.class;
    }

    static List<RecordComponent> components(Type record) {
        return Arrays.asList(raw(record).getRecordComponents());
    }

    static Optional<RecordComponent> component(Type record, String name) {
        return components(record).stream().filter(c -> c.getName().equals(name)).findFirst();
    }

    static boolean isSecret(RecordComponent c) {
        return c.isAnnotationPresent(Secret.class);
    }

    /** The keys an object of this record may have: its components, and {@code xFile} for each secret {@code x}. */
    static List<String> keys(Type record) {
        List<String> keys = new ArrayList<>();
        for (RecordComponent c : components(record)) {
            keys.add(c.getName());
            if (isSecret(c)) {
                keys.add(c.getName() + FILE_SUFFIX);
            }
        }
        return keys;
    }

    /** How a type reads in the reference and in error messages. */
    static String describe(Type t) {
        return switch (kind(t)) {
            case STRING -> "string";
            case INTEGER -> "integer";
            case NUMBER -> "number";
            case BOOLEAN -> "boolean";
            case ENUM -> "one of " + String.join(", ", enumNames(raw(t)));
            case LIST -> "list of " + plural(describe(inner(t)));
            case MAP -> "map of string to " + describe(inner(t));
            case RECORD -> "object";
            case ANY -> "any";
        };
    }

    private static String plural(String what) {
        return what.startsWith("one of") ? "(" + what + ")" : what + "s";
    }

    static List<String> enumNames(Class<?> e) {
        return Arrays.stream(e.getEnumConstants()).map(v -> ((Enum<?>) v).name().toLowerCase(Locale.ROOT)).toList();
    }

    /** {@code tokenTtlSeconds} -> {@code TOKEN_TTL_SECONDS}: a key as it appears in an environment variable. */
    static String envName(String key) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < key.length(); i++) {
            char ch = key.charAt(i);
            if (Character.isUpperCase(ch) && i > 0) {
                sb.append('_');
            }
            sb.append(Character.toUpperCase(ch));
        }
        return sb.toString();
    }

    /** A node as the error message names it. */
    static String what(JsonNode n) {
        if (n.isTextual()) {
            return "the string \"" + n.asText() + "\"";
        }
        if (n.isArray()) {
            return "a list";
        }
        if (n.isObject()) {
            return "an object";
        }
        if (n.isBoolean()) {
            return "the boolean " + n.asText();
        }
        if (n.isNumber()) {
            return "the number " + n.asText();
        }
        return n.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    /** The candidate closest to {@code word} by edit distance, if it is close enough to be a likely typo. */
    static Optional<String> closest(String word, List<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(word.toLowerCase(Locale.ROOT), c.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        int allowed = Math.max(2, word.length() / 3);
        return best != null && bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
