package io.ctiserver.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds the real Asterisk 22 captures kept in the repository, {@code testdata/asterisk-22}. Maven passes the directory
 * as the system property {@code cti.captures}; from an IDE (working directory a module or the root) the relative
 * paths are tried. Nothing outside the repository is read.
 */
public final class Captures {

    private Captures() {
    }

    public static Path dir() {
        String prop = System.getProperty("cti.captures");
        if (prop != null && Files.isDirectory(Paths.get(prop))) {
            return Paths.get(prop);
        }
        for (String candidate : List.of("testdata/asterisk-22", "../testdata/asterisk-22")) {
            Path p = Paths.get(candidate);
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        throw new IllegalStateException("AMI captures not found: expected testdata/asterisk-22 in the repository (or -Dcti.captures)");
    }

    /** A capture by file name, e.g. {@code 02_queue_call_answered_by_agent.txt}. */
    public static Path file(String name) {
        return dir().resolve(name);
    }

    public static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(file(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every received-side capture ({@code NN_*.txt}, not {@code .sent.txt} nor {@code .notes.txt}), sorted by name. */
    public static List<Path> all() {
        try (Stream<Path> s = Files.list(dir())) {
            return s.filter(p -> p.getFileName().toString().endsWith(".txt"))
                    .filter(p -> !p.getFileName().toString().endsWith(".sent.txt"))
                    // R* captures come with a .notes.txt describing the scenario: text, not AMI.
                    .filter(p -> !p.getFileName().toString().endsWith(".notes.txt"))
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
