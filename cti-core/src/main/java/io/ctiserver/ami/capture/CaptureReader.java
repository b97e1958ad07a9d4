package io.ctiserver.ami.capture;

import io.ctiserver.ami.AmiMessage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads a raw AMI capture (what Asterisk sent on the socket): an optional banner line
 * ({@code Asterisk Call Manager/...}), then messages of {@code Key: Value} lines separated by a blank line. Lines
 * end with CRLF or LF. A plain-Java reader for core code and tools (replay, tests); the live link uses the Netty
 * decoder in cti-server.
 *
 * <p>A line without {@code ": "} is kept as a header with an empty value under the whole line as key only when it
 * has a colon ({@code Key:}); other stray lines are counted in {@link #skippedLines()} and otherwise ignored, so a
 * damaged capture still replays.
 */
public final class CaptureReader {

    private final String pbx;
    private String banner;
    private int skippedLines;

    /** @param pbx the PBX id every message is tagged with (receive time stays 0: captures have no timestamps) */
    public CaptureReader(String pbx) {
        this.pbx = pbx;
    }

    public static List<AmiMessage> readAll(Path file, String pbx) {
        List<AmiMessage> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            new CaptureReader(pbx).read(in, out::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Reads every message, in order, handing each to {@code sink}. */
    public void read(InputStream in, Consumer<AmiMessage> sink) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        AmiMessage.Builder b = null;
        String line;
        boolean first = true;
        while ((line = r.readLine()) != null) {
            if (first) {
                first = false;
                if (line.startsWith("Asterisk Call Manager/")) {
                    banner = line;
                    continue;
                }
            }
            if (line.isEmpty()) {
                if (b != null) {
                    sink.accept(b.build().withSource(pbx, 0L));
                    b = null;
                }
                continue;
            }
            int sep = line.indexOf(": ");
            String key;
            String value;
            if (sep > 0) {
                key = line.substring(0, sep);
                value = line.substring(sep + 2);
            } else if (line.endsWith(":") && line.length() > 1) {
                key = line.substring(0, line.length() - 1);
                value = "";
            } else {
                skippedLines++;
                continue;
            }
            if (b == null) {
                b = AmiMessage.builder();
            }
            b.add(key, value);
        }
        if (b != null) {
            sink.accept(b.build().withSource(pbx, 0L));
        }
    }

    /** The banner line, or null if the capture had none. */
    public String banner() {
        return banner;
    }

    public int skippedLines() {
        return skippedLines;
    }
}
