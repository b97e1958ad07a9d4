package io.ctiserver.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Replaces each {@code xFile} key of a secret {@code x} by the file's content (trailing line breaks removed), so that
 * a secret can live in a file readable only by the server's user (a Docker or systemd credential) instead of the
 * config. A relative path is relative to the working directory.
 */
final class SecretFiles {

    /** Secret files larger than this are surely not a secret (and are not read whole into memory). */
    static final long MAX_BYTES = 64 * 1024;

    private SecretFiles() {
    }

    static void resolve(ObjectNode root, List<String> problems) {
        for (ConfigSections.Section<?> s : ConfigSections.ALL) {
            JsonNode n = root.get(s.name());
            if (n != null) {
                walk(n, s.type(), s.name(), problems);
            }
        }
    }

    private static void walk(JsonNode node, Type type, String path, List<String> problems) {
        switch (ConfigTypes.kind(type)) {
            case RECORD -> {
                if (node instanceof ObjectNode obj) {
                    for (RecordComponent c : ConfigTypes.components(type)) {
                        String key = c.getName();
                        if (ConfigTypes.isSecret(c) && obj.has(key + ConfigTypes.FILE_SUFFIX)) {
                            readInto(obj, key, path, problems);
                        }
                        JsonNode child = obj.get(key);
                        if (child != null) {
                            walk(child, c.getGenericType(), path + "." + key, problems);
                        }
                    }
                }
            }
            case LIST -> {
                for (int i = 0; i < node.size(); i++) {
                    walk(node.get(i), ConfigTypes.inner(type), path + "[" + i + "]", problems);
                }
            }
            case MAP -> {
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    walk(e.getValue(), ConfigTypes.inner(type), path + "." + e.getKey(), problems);
                }
            }
            default -> {
            }
        }
    }

    private static void readInto(ObjectNode obj, String key, String path, List<String> problems) {
        String fileKey = key + ConfigTypes.FILE_SUFFIX;
        JsonNode fileNode = obj.remove(fileKey);
        String where = path + "." + fileKey;
        if (obj.hasNonNull(key)) {
            problems.add(where + ": give either '" + key + "' or '" + fileKey + "', not both");
            return;
        }
        if (!fileNode.isTextual() || fileNode.asText().isBlank()) {
            problems.add(where + ": must be a file name, got " + ConfigTypes.what(fileNode));
            return;
        }
        Path file = Path.of(fileNode.asText());
        try {
            if (!Files.isRegularFile(file)) {
                problems.add(where + ": file '" + file + "' does not exist");
                return;
            }
            if (Files.size(file) > MAX_BYTES) {
                problems.add(where + ": file '" + file + "' is larger than " + MAX_BYTES + " bytes");
                return;
            }
            String value = Files.readString(file, StandardCharsets.UTF_8).replaceAll("[\r\n]+$", "");
            obj.put(key, value);
        } catch (IOException e) {
            problems.add(where + ": file '" + file + "' cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }
}
