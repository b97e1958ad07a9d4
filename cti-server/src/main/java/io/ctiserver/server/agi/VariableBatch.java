package io.ctiserver.server.agi;

import io.ctiserver.server.agi.codec.AgiCommand;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads and writes several channel variables in one AGI round trip each, instead of one per variable: a route dialog
 * then costs Asterisk two commands, not eleven, and the call waits that much less before its {@code Queue()}.
 *
 * <p><b>Writes:</b> {@code EXEC MSet "N1=V1,N2=V2"}. The value passes two parsers in Asterisk: res_agi's
 * {@code parse_args} (double quotes group, a backslash escapes the next character), then MSet's
 * {@code ast_app_separate_args} on commas, which also honours quotes, parentheses and brackets and drops one level
 * of backslashes. So each of {@code \ " , ( ) [ ] |} in a value gets a backslash for MSet, and the whole argument is
 * then quoted for res_agi. The text after the first {@code =} is kept as is, so a value may contain {@code =}.
 * A dialplan that sets {@code AGIEXECFULL=yes} has res_agi substitute EXEC arguments, so a value holding {@code $} is
 * not batched (it could be read as {@code ${...}}). res_agi reads a command line into a 2,048-byte buffer (8,192
 * since Asterisk 22.6); a batch longer than {@link #MAX_LINE_BYTES} is not built. In both cases the caller falls back
 * to one {@code SET VARIABLE} each, which is never substituted.
 *
 * <p><b>Reads:</b> {@code GET FULL VARIABLE "${LEN(${A})}:${A}${LEN(${B})}:${B}"}: every value comes back prefixed
 * with its length in bytes, so any value (colons, parentheses, nothing at all) splits back exactly. An unset
 * variable reads as empty, which the route script treats as absent anyway.
 *
 * <p>{@link AgiConfig#batchVariables()} turns batching off, for an Asterisk before 13 run with
 * {@code asterisk.conf [compat] res_agi = 1.4}, which rewrote the commas of EXEC arguments.
 */
public final class VariableBatch {

    /** Room for the line end and a margin under res_agi's AGI_BUF_LEN (2,048). */
    public static final int MAX_LINE_BYTES = 2_000;
    /** MSet parses at most 99 pairs. */
    public static final int MAX_PAIRS = 99;
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** Names that may go inside {@code ${...}}: a variable or a function call without nested expressions. */
    private static final Pattern READABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\([A-Za-z0-9_,.\\-]*\\))?");

    private VariableBatch() {
    }

    /** One {@code EXEC MSet} setting every variable, or empty when they cannot travel in one (see the class doc). */
    public static Optional<AgiCommand> mset(Map<String, String> variables) {
        return msetArguments(variables)
                .map(args -> new AgiCommand("EXEC MSet " + AgiCommand.quote(args)))
                .filter(c -> c.line().getBytes(StandardCharsets.UTF_8).length <= MAX_LINE_BYTES);
    }

    /**
     * MSet's argument string, escaped for MSet but not yet quoted for res_agi; empty when a name does not fit or a
     * value holds {@code $}.
     */
    public static Optional<String> msetArguments(Map<String, String> variables) {
        if (variables.isEmpty() || variables.size() > MAX_PAIRS) {
            return Optional.empty();
        }
        StringBuilder args = new StringBuilder(256);
        for (Map.Entry<String, String> v : variables.entrySet()) {
            if (!NAME.matcher(v.getKey()).matches()) {
                return Optional.empty();
            }
            if (args.length() > 0) {
                args.append(',');
            }
            String value = v.getValue() == null ? "" : v.getValue();
            if (value.indexOf('$') >= 0) {
                return Optional.empty();
            }
            args.append(v.getKey()).append('=');
            escapeForApp(value, args);
        }
        return Optional.of(args.toString());
    }

    private static void escapeForApp(String value, StringBuilder out) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\', '"', ',', '(', ')', '[', ']', '|' -> out.append('\\').append(c);
                default -> out.append(c);
            }
        }
    }

    /** One {@code GET FULL VARIABLE} reading every name, or empty when a name cannot go inside {@code ${...}}. */
    public static Optional<AgiCommand> read(List<String> names) {
        return readExpression(names).map(AgiCommand::getFullVariable)
                .filter(c -> c.line().length() <= MAX_LINE_BYTES);
    }

    /** The expression that {@link #read} sends, e.g. {@code ${LEN(${A})}:${A}}. */
    public static Optional<String> readExpression(List<String> names) {
        if (names.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder expr = new StringBuilder(32 * names.size());
        for (String name : names) {
            if (!READABLE.matcher(name).matches()) {
                return Optional.empty();
            }
            expr.append("${LEN(${").append(name).append("})}:${").append(name).append('}');
        }
        return Optional.of(expr.toString());
    }

    /**
     * Splits the reply of {@link #read}: name to value, in order, empty values included; empty when the data does not
     * parse exactly (then read the variables one by one).
     */
    public static Optional<Map<String, String>> parse(List<String> names, String data) {
        if (data == null) {
            return Optional.empty();
        }
        byte[] b = data.getBytes(StandardCharsets.UTF_8);
        Map<String, String> out = new LinkedHashMap<>();
        int at = 0;
        for (String name : names) {
            int len = 0;
            int digits = 0;
            while (at < b.length && b[at] >= '0' && b[at] <= '9' && digits < 7) {
                len = len * 10 + (b[at++] - '0');
                digits++;
            }
            if (digits == 0 || at >= b.length || b[at] != ':' || at + 1 + len > b.length) {
                return Optional.empty();
            }
            at++;
            out.put(name, new String(b, at, len, StandardCharsets.UTF_8));
            at += len;
        }
        return at == b.length ? Optional.of(out) : Optional.empty();
    }
}
