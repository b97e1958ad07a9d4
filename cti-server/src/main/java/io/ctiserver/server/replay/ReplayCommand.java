package io.ctiserver.server.replay;

import io.ctiserver.ami.capture.CaptureReader;
import io.ctiserver.events.CallEnded;
import io.ctiserver.events.CallRecord;
import io.ctiserver.events.CtiEvent;
import io.ctiserver.events.Json;
import io.ctiserver.server.cli.CliArgs;
import io.ctiserver.server.cli.UsageException;
import io.ctiserver.server.cli.Verb;
import io.ctiserver.tracker.Tracker;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code replay FILE [--pbx ID]}: runs a raw AMI capture through the state tracker and prints JSON lines, first
 * every domain event in order, then one {@code call.record} per finished call. The format is in docs/replay.md.
 */
public final class ReplayCommand implements Verb {

    private final PrintStream out;
    private final PrintStream err;

    public ReplayCommand() {
        this(System.out, System.err);
    }

    public ReplayCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public String name() {
        return "replay";
    }

    @Override
    public String summary() {
        return "replay a raw AMI capture through the state tracker and print JSON lines";
    }

    @Override
    public String usage() {
        return """
                usage: java -jar cti-server.jar replay FILE [--pbx ID]

                Reads FILE, a raw AMI capture (what Asterisk sent: banner, CRLF lines, blank-line separated
                messages), feeds it to the state tracker and prints JSON lines: every domain event
                ({"type":"call.offered",...}), then one {"type":"call.record",...} per finished call.
                The same capture always gives the same output (times come from a logical clock).

                  --pbx ID   the PBX id written in the output (default: pbx)
                """;
    }

    @Override
    public int run(List<String> args) throws IOException {
        CliArgs cli = CliArgs.parse(args, Set.of("pbx"), Set.of());
        if (cli.positional().size() != 1) {
            throw new UsageException("needs exactly one capture FILE");
        }
        Path file = Paths.get(cli.positional().get(0));
        String pbx = cli.get("pbx", "pbx");
        if (pbx.isBlank()) {
            throw new UsageException("--pbx needs a non-empty id");
        }
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
        try (InputStream in = Files.newInputStream(file)) {
            replay(in, pbx, w);
        } catch (NoSuchFileException e) {
            err.println("cti-server replay: no such file: " + file);
            return 1;
        }
        w.flush();
        return 0;
    }

    /** Replays one capture stream into JSON lines; returns the number of calls still alive at the end. */
    public static int replay(InputStream capture, String pbx, Writer w) throws IOException {
        Tracker tracker = new Tracker(pbx);
        List<CallRecord> records = new ArrayList<>();
        List<IOException> failures = new ArrayList<>(1);
        tracker.addListener((CtiEvent e) -> {
            if (e instanceof CallEnded ended) {
                records.add(ended.record());
            }
            try {
                w.write(Json.mapper().writeValueAsString(Json.eventNode(e)));
                w.write('\n');
            } catch (IOException ex) {
                failures.add(ex);
            }
        });
        new CaptureReader(pbx).read(capture, tracker::onMessage);
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
        for (CallRecord r : records) {
            w.write(Json.mapper().writeValueAsString(Json.recordNode(r)));
            w.write('\n');
        }
        return tracker.view().calls().size();
    }
}
