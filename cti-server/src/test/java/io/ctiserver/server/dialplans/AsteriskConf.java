package io.ctiserver.server.dialplans;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A plain reading of an Asterisk .conf file: sections (a name may repeat, as in pjsip.conf), each with its
 * {@code key = value} lines in order; comments ({@code ;}) and templates' {@code (!)} markers removed. Enough to check
 * that our files say what the server needs, not a full Asterisk parser.
 */
record AsteriskConf(Map<String, List<Section>> sections) {

    /** One [section] block: its templates and lines. */
    record Section(String name, String header, List<Map.Entry<String, String>> lines) {

        List<String> values(String key) {
            return lines.stream().filter(e -> e.getKey().equals(key)).map(Map.Entry::getValue).toList();
        }
    }

    /** The file's lines with each {@code #include NAME} replaced by NAME's lines (relative to the file), as Asterisk does. */
    private static List<String> linesWithIncludes(Path file, int depth) throws IOException {
        if (depth > 8) {
            throw new IOException("#include nested too deep at " + file);
        }
        List<String> out = new ArrayList<>();
        for (String raw : Files.readAllLines(file)) {
            String line = raw.strip();
            if (line.startsWith("#include")) {
                String name = line.substring("#include".length()).strip().replace("\"", "");
                out.addAll(linesWithIncludes(file.resolveSibling(name), depth + 1));
            } else {
                out.add(raw);
            }
        }
        return out;
    }

    static AsteriskConf read(Path file) throws IOException {
        Map<String, List<Section>> sections = new LinkedHashMap<>();
        Section current = null;
        for (String raw : linesWithIncludes(file, 0)) {
            String line = stripComment(raw).strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("[")) {
                int end = line.indexOf(']');
                String name = line.substring(1, end);
                current = new Section(name, line.substring(end + 1).strip(), new ArrayList<>());
                sections.computeIfAbsent(name, k -> new ArrayList<>()).add(current);
                continue;
            }
            if (current == null) {
                continue;
            }
            int eq = line.indexOf('=');
            String key;
            String value;
            if (line.startsWith("same")) {
                key = "same";
                value = line.substring(line.indexOf("=>") + 2).strip();
            } else if (eq < 0) {
                key = line;
                value = "";
            } else {
                boolean arrow = eq + 1 < line.length() && line.charAt(eq + 1) == '>';
                key = line.substring(0, eq).strip();
                value = line.substring(eq + (arrow ? 2 : 1)).strip();
            }
            current.lines().add(Map.entry(key, value));
        }
        return new AsteriskConf(sections);
    }

    /** A ';' starts a comment unless escaped as '\;'. */
    private static String stripComment(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == ';' && (i == 0 || line.charAt(i - 1) != '\\')) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    List<Section> all(String name) {
        return sections.getOrDefault(name, List.of());
    }

    boolean has(String name) {
        return sections.containsKey(name);
    }
}
