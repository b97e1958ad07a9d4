package io.ctiserver.server.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The flags and positional arguments of one verb. Flags are {@code --name value}, {@code --name=value} or, for the
 * boolean flags a verb declares, a bare {@code --name}. Anything else that starts with {@code --} is refused, so a
 * typo never silently changes what runs.
 */
public final class CliArgs {

    private final Map<String, String> flags;
    private final List<String> positional;

    private CliArgs(Map<String, String> flags, List<String> positional) {
        this.flags = flags;
        this.positional = positional;
    }

    /**
     * @param valueFlags   flags that take a value
     * @param booleanFlags flags that take none
     */
    public static CliArgs parse(List<String> args, Set<String> valueFlags, Set<String> booleanFlags) {
        Map<String, String> flags = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--") || a.equals("--")) {
                positional.add(a);
                continue;
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (booleanFlags.contains(name)) {
                flags.put(name, value == null ? "true" : value);
            } else if (valueFlags.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        throw new UsageException("flag --" + name + " needs a value");
                    }
                    value = args.get(++i);
                }
                flags.put(name, value);
            } else {
                throw new UsageException("unknown flag --" + name);
            }
        }
        return new CliArgs(flags, positional);
    }

    public String get(String flag, String fallback) {
        return flags.getOrDefault(flag, fallback);
    }

    public boolean has(String flag) {
        return flags.containsKey(flag);
    }

    public boolean flag(String flag) {
        return Boolean.parseBoolean(flags.getOrDefault(flag, "false"));
    }

    public int getInt(String flag, int fallback) {
        String v = flags.get(flag);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException("flag --" + flag + " needs a whole number, got '" + v + "'");
        }
    }

    public double getDouble(String flag, double fallback) {
        String v = flags.get(flag);
        if (v == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UsageException("flag --" + flag + " needs a number, got '" + v + "'");
        }
    }

    public List<String> positional() {
        return positional;
    }
}
