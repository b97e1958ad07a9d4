package io.ctiserver.server.agi.codec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code agi_*} environment block Asterisk sends first on a FastAGI connection, in order, with the dialplan's
 * arguments ({@code agi_arg_1}, {@code agi_arg_2}, ...) also as a list.
 */
public record AgiRequest(Map<String, String> env, List<String> args) implements AgiInbound {

    public AgiRequest {
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
        args = List.copyOf(args);
    }

    public String get(String key) {
        return env.get(key);
    }

    /**
     * The script name: {@code agi_network_script} ({@code route} for {@code agi://host:4573/route}), without a query
     * string or leading slash.
     */
    public String script() {
        String s = env.get("agi_network_script");
        if (s == null) {
            s = pathOf(env.getOrDefault("agi_request", ""));
        }
        int q = s.indexOf('?');
        if (q >= 0) {
            s = s.substring(0, q);
        }
        while (s.startsWith("/")) {
            s = s.substring(1);
        }
        return s;
    }

    private static String pathOf(String url) {
        int scheme = url.indexOf("://");
        int slash = scheme < 0 ? -1 : url.indexOf('/', scheme + 3);
        return slash < 0 ? "" : url.substring(slash + 1);
    }

    public String requestUrl() {
        return env.get("agi_request");
    }

    public String channel() {
        return env.get("agi_channel");
    }

    public String uniqueid() {
        return env.get("agi_uniqueid");
    }

    /** Caller ID number, or null when Asterisk says {@code unknown}. */
    public String callerIdNumber() {
        return known(env.get("agi_callerid"));
    }

    public String callerIdName() {
        return known(env.get("agi_calleridname"));
    }

    public String extension() {
        return env.get("agi_extension");
    }

    public String context() {
        return env.get("agi_context");
    }

    /** Argument {@code n} (1-based) as passed in {@code AGI(url,arg1,arg2,...)}, or null. */
    public String arg(int n) {
        return n >= 1 && n <= args.size() ? args.get(n - 1) : null;
    }

    private static String known(String v) {
        return v == null || v.isEmpty() || v.equals("unknown") ? null : v;
    }
}
