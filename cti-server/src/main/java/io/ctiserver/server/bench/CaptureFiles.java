package io.ctiserver.server.bench;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.ami.capture.CaptureReader;
import io.ctiserver.server.cli.CliArgs;
import io.ctiserver.server.cli.UsageException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The real Asterisk captures that the in-memory benchmarks replay ({@code --captures DIR}). */
public final class CaptureFiles {

    private CaptureFiles() {
    }

    /** Where the repository keeps the captures, tried from the repository root and from a module folder. */
    public static final List<String> DEFAULT_DIRS = List.of("testdata/asterisk-22", "../testdata/asterisk-22");

    /** {@code --captures DIR}, else {@code -Dcti.captures}, else the repository's {@code testdata/asterisk-22}. */
    public static Path dir(CliArgs cli) {
        String given = cli.get("captures", System.getProperty("cti.captures"));
        List<String> candidates = given != null ? List.of(given) : DEFAULT_DIRS;
        for (String c : candidates) {
            if (Files.isDirectory(Paths.get(c))) {
                return Paths.get(c);
            }
        }
        throw new UsageException("no capture directory in " + candidates + " (run from the repository root, or use --captures DIR)");
    }

    /** The bytes of every received-side capture ({@code NN_*.txt}; not {@code .sent.txt}, not an R capture's {@code .notes.txt}), in name order. */
    public static List<byte[]> read(Path dir) throws IOException {
        List<byte[]> raw = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.sorted().toList()) {
                String n = p.getFileName().toString();
                if (n.endsWith(".txt") && !n.endsWith(".sent.txt") && !n.endsWith(".notes.txt")) {
                    raw.add(Files.readAllBytes(p));
                }
            }
        }
        return raw;
    }

    /** Every message of {@code captures}, in order, tagged with PBX {@code bench}. */
    public static List<AmiMessage> messages(List<byte[]> captures) {
        List<AmiMessage> messages = new ArrayList<>();
        for (byte[] b : captures) {
            try {
                new CaptureReader("bench").read(new ByteArrayInputStream(b), messages::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return messages;
    }
}
