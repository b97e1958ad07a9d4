package io.ctiserver.server.storage.testing;

import io.ctiserver.server.storage.StorageConfig;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The two databases every storage test runs against: a fresh H2 file database and a fresh PostgreSQL database. */
public enum TestDatabases {
    H2, POSTGRESQL;

    /** For {@code @MethodSource}: both. */
    public static Stream<TestDatabases> both() {
        return Stream.of(H2, POSTGRESQL);
    }

    /** A new empty database of this kind; H2's file lives in {@code dir}. */
    public StorageConfig config(Path dir) {
        return switch (this) {
            case H2 -> StorageConfig.of("jdbc:h2:file:" + dir.resolve("db").toAbsolutePath(), "sa", "",
                    dir.resolve("journal"));
            case POSTGRESQL -> {
                PostgresCluster pg = PostgresCluster.get();
                yield StorageConfig.of(pg.newDatabase("cti"), pg.user(), pg.password(), dir.resolve("journal"));
            }
        };
    }
}
