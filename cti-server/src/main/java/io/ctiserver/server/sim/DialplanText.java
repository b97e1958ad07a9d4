package io.ctiserver.server.sim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The two dialplan text rules that AGI commands meet in Asterisk, as the simulator (and the synthetic Asterisk of
 * the AGI benchmark and tests) needs them: {@code ${...}} substitution, as in {@code GET FULL VARIABLE}, and the
 * splitting of an application's arguments ({@code ast_app_separate_args}), as in {@code EXEC MSet}.
 */
public final class DialplanText {

    private DialplanText() {
    }

    /**
     * Substitutes every {@code ${NAME}} and {@code ${FUNC(args)}} in {@code template}, inner expressions first, like
     * {@code ast_str_substitute_variables}. {@code lookup} gives a variable's or function's value, null when unset
     * (substituted as empty); {@code LEN(...)} is evaluated here (the length in bytes, as func_strings does). The
     * result of a substitution is not substituted again.
     */
    public static String substitute(String template, UnaryOperator<String> lookup) {
        StringBuilder out = new StringBuilder(template.length());
        int i = 0;
        while (i < template.length()) {
            int start = template.indexOf("${", i);
            if (start < 0) {
                out.append(template, i, template.length());
                break;
            }
            out.append(template, i, start);
            int end = matchingBrace(template, start + 2);
            if (end < 0) { // unterminated: Asterisk copies it as it is
                out.append(template, start, template.length());
                break;
            }
            String name = template.substring(start + 2, end);
            if (name.contains("${")) {
                name = substitute(name, lookup);
            }
            String value = evaluate(name, lookup);
            out.append(value == null ? "" : value);
            i = end + 1;
        }
        return out.toString();
    }

    private static int matchingBrace(String s, int from) {
        int depth = 1;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{') { // any brace counts, as in ast_str_substitute_variables
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private static String evaluate(String name, UnaryOperator<String> lookup) {
        int open = name.indexOf('(');
        int close = name.lastIndexOf(')');
        if (open > 0 && close > open && name.substring(0, open).equalsIgnoreCase("LEN")) {
            return Integer.toString(name.substring(open + 1, close).getBytes(StandardCharsets.UTF_8).length);
        }
        return lookup.apply(name);
    }

    /**
     * Splits an application's argument string on {@code delim} into at most {@code max} arguments, as
     * {@code __ast_app_separate_args} with {@code remove_chars} does: double quotes group and are removed, a backslash
     * makes the next character literal and is removed, no split inside parentheses or brackets, and the last allowed
     * argument is the raw rest of the string.
     */
    public static List<String> separateAppArgs(String args, char delim, int max) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int paren = 0;
        int bracket = 0;
        boolean quote = false;
        int i = 0;
        boolean endedOnDelimiter = false;
        while (i < args.length() && out.size() < max - 1) {
            cur.setLength(0);
            endedOnDelimiter = false;
            for (; i < args.length(); i++) {
                char c = args.charAt(i);
                if (c == '(') {
                    paren++;
                } else if (c == ')') {
                    paren = Math.max(0, paren - 1);
                } else if (c == '[') {
                    bracket++;
                } else if (c == ']') {
                    bracket = Math.max(0, bracket - 1);
                } else if (c == '"' && delim != '"') {
                    quote = !quote;
                    continue;
                } else if (c == '\\') {
                    if (i + 1 < args.length()) {
                        cur.append(args.charAt(++i));
                    }
                    continue;
                } else if (c == delim && paren == 0 && bracket == 0 && !quote) {
                    i++;
                    endedOnDelimiter = true;
                    break;
                }
                cur.append(c);
            }
            out.add(cur.toString());
        }
        if (i < args.length() || endedOnDelimiter) {
            out.add(args.substring(i));
        }
        return out;
    }
}
