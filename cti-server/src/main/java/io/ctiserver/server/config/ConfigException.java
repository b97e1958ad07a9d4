package io.ctiserver.server.config;

import java.util.List;

/**
 * The configuration cannot be used: every problem found, each naming the key path ({@code gateway.users[2].iface})
 * or the environment variable it came from. {@code main} prints {@link #getMessage()} and exits with status 2, without
 * a stack trace: the message is meant for the person who wrote the file.
 */
public final class ConfigException extends RuntimeException {

    private final String source;
    private final List<String> problems;

    public ConfigException(String source, List<String> problems) {
        super(null, null, false, false);
        this.source = source;
        this.problems = List.copyOf(problems);
    }

    /** Each problem as {@code key.path: what is wrong}. */
    public List<String> problems() {
        return problems;
    }

    @Override
    public String getMessage() {
        StringBuilder sb = new StringBuilder("configuration ").append(source).append(": ");
        if (problems.size() == 1) {
            return sb.append(problems.get(0)).toString();
        }
        sb.append(problems.size()).append(" problems");
        problems.forEach(p -> sb.append("\n  - ").append(p));
        return sb.toString();
    }
}
