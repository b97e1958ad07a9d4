package io.ctiserver.server.dialplans;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * extensions.conf as contexts of extensions (with their application lines) and includes, and Asterisk's extension
 * pattern matching ({@code _X.}, {@code _20[1-4]}, {@code N}, {@code Z}, {@code .}, {@code !}).
 */
final class Dialplan {

    /** One priority line: the extension it belongs to and the application with its arguments. */
    record Step(String context, String exten, String app, String args) {
    }

    final Map<String, List<String>> extensions = new LinkedHashMap<>();
    final Map<String, List<String>> includes = new LinkedHashMap<>();
    final List<Step> steps = new ArrayList<>();
    final Map<String, String> globals = new LinkedHashMap<>();

    Dialplan(AsteriskConf conf) {
        for (List<AsteriskConf.Section> list : conf.sections().values()) {
            for (AsteriskConf.Section s : list) {
                String context = s.name();
                if (context.equals("general")) {
                    continue;
                }
                if (context.equals("globals")) {
                    s.lines().forEach(e -> globals.put(e.getKey(), e.getValue()));
                    continue;
                }
                extensions.computeIfAbsent(context, k -> new ArrayList<>());
                includes.computeIfAbsent(context, k -> new ArrayList<>());
                String exten = null;
                for (Map.Entry<String, String> line : s.lines()) {
                    if (line.getKey().equals("include")) {
                        includes.get(context).add(line.getValue());
                    } else if (line.getKey().equals("exten")) {
                        String[] parts = line.getValue().split(",", 3);
                        exten = parts[0].strip();
                        extensions.get(context).add(exten);
                        steps.add(step(context, exten, parts[2]));
                    } else if (line.getKey().equals("same") && exten != null) {
                        String v = line.getValue();
                        steps.add(step(context, exten, v.substring(v.indexOf(',') + 1)));
                    }
                }
            }
        }
    }

    private static Step step(String context, String exten, String appAndArgs) {
        int open = appAndArgs.indexOf('(');
        String app = open < 0 ? appAndArgs.strip() : appAndArgs.substring(0, open).strip();
        String args = open < 0 ? "" : appAndArgs.substring(open + 1, appAndArgs.lastIndexOf(')'));
        return new Step(context, exten, app, args);
    }

    boolean hasContext(String context) {
        return extensions.containsKey(context);
    }

    /** Whether {@code number} is an extension of {@code context} or of a context it includes. */
    boolean matches(String context, String number) {
        return matches(context, number, new java.util.HashSet<>());
    }

    private boolean matches(String context, String number, Set<String> seen) {
        if (!seen.add(context) || !extensions.containsKey(context)) {
            return false;
        }
        for (String e : extensions.get(context)) {
            if (patternMatches(e, number)) {
                return true;
            }
        }
        for (String inc : includes.get(context)) {
            if (matches(inc, number, seen)) {
                return true;
            }
        }
        return false;
    }

    static boolean patternMatches(String exten, String number) {
        if (!exten.startsWith("_")) {
            return exten.equals(number);
        }
        return match(exten.substring(1), 0, number, 0);
    }

    private static boolean match(String p, int pi, String s, int si) {
        if (pi == p.length()) {
            return si == s.length();
        }
        char c = p.charAt(pi);
        if (c == '.' || c == '!') { // one or more (.), zero or more (!) of anything
            for (int k = c == '.' ? si + 1 : si; k <= s.length(); k++) {
                if (match(p, pi + 1, s, k)) {
                    return true;
                }
            }
            return false;
        }
        if (si == s.length()) {
            return false;
        }
        char x = s.charAt(si);
        if (c == '[') {
            int end = p.indexOf(']', pi);
            String set = p.substring(pi + 1, end);
            boolean in = false;
            for (int i = 0; i < set.length(); i++) {
                if (i + 2 < set.length() && set.charAt(i + 1) == '-') {
                    in |= x >= set.charAt(i) && x <= set.charAt(i + 2);
                    i += 2;
                } else {
                    in |= x == set.charAt(i);
                }
            }
            return in && match(p, end + 1, s, si + 1);
        }
        boolean ok = switch (c) {
            case 'X' -> x >= '0' && x <= '9';
            case 'Z' -> x >= '1' && x <= '9';
            case 'N' -> x >= '2' && x <= '9';
            default -> c == x;
        };
        return ok && match(p, pi + 1, s, si + 1);
    }
}
