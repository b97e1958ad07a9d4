package io.ctiserver.server.storage.schema;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The little SQL that differs between H2 and PostgreSQL: the upsert. Everything else the storage writes is plain SQL
 * both accept.
 */
public enum Dialect {
    H2, POSTGRESQL;

    public static Dialect of(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:h2:")) {
            return H2;
        }
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        throw new IllegalArgumentException("storage.url: only jdbc:h2: and jdbc:postgresql: are supported, got "
                + jdbcUrl.substring(0, Math.min(jdbcUrl.length(), jdbcUrl.indexOf(':', 5) + 1)));
    }

    /**
     * An insert that replaces the row with the same key (every non-key column set again), so that writing a row
     * twice is the same as writing it once.
     */
    public String upsert(String table, List<String> keys, List<String> columns) {
        List<String> all = new java.util.ArrayList<>(keys);
        all.addAll(columns);
        String cols = String.join(", ", all);
        String marks = all.stream().map(c -> "?").collect(Collectors.joining(", "));
        return switch (this) {
            case H2 -> "MERGE INTO " + table + " (" + cols + ") KEY (" + String.join(", ", keys) + ") VALUES ("
                    + marks + ")";
            case POSTGRESQL -> "INSERT INTO " + table + " (" + cols + ") VALUES (" + marks + ") ON CONFLICT ("
                    + String.join(", ", keys) + ") DO UPDATE SET "
                    + columns.stream().map(c -> c + " = EXCLUDED." + c).collect(Collectors.joining(", "));
        };
    }
}
