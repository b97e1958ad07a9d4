package io.ctiserver.server.agi;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The Asterisk side of one FastAGI session, over a real socket: sends an environment block (e.g. a captured one),
 * then answers each command the way res_agi does, keeping channel variables. A test may override the answer to a
 * command (to send HANGUP, 511, 520, or nothing) through {@code override}.
 */
final class FakeAsterisk implements AutoCloseable {

    /** What a session looked like from Asterisk's side. */
    record Dialog(List<String> commands, Map<String, String> variables, boolean closedByServer, long millis) {
    }

    final Map<String, String> channelVariables = new LinkedHashMap<>();
    /** Returns the reply lines for a command (without line ends), or null to answer like Asterisk. */
    Function<String, List<String>> override = c -> null;
    private final Socket socket;

    FakeAsterisk(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
    }

    Dialog run(String envBlock) throws IOException {
        long start = System.nanoTime();
        OutputStream out = socket.getOutputStream();
        out.write(envBlock.getBytes(StandardCharsets.UTF_8));
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        List<String> commands = new ArrayList<>();
        Map<String, String> set = new LinkedHashMap<>();
        boolean closed = false;
        while (true) {
            String line;
            try {
                line = in.readLine();
            } catch (SocketTimeoutException e) {
                break;
            } catch (IOException e) {
                closed = true; // reset
                break;
            }
            if (line == null) {
                closed = true;
                break;
            }
            commands.add(line);
            List<String> reply = override.apply(line);
            if (reply == null) {
                reply = List.of(answer(line, set));
            }
            for (String r : reply) {
                out.write((r + "\n").getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
        }
        return new Dialog(commands, set, closed, (System.nanoTime() - start) / 1_000_000);
    }

    private String answer(String line, Map<String, String> set) {
        List<String> args = args(line);
        if (line.startsWith("GET VARIABLE ")) {
            String v = channelVariables.get(args.get(2));
            return v == null ? "200 result=0" : "200 result=1 (" + v + ")";
        }
        if (line.startsWith("SET VARIABLE ")) {
            set.put(args.get(2), args.get(3));
            channelVariables.put(args.get(2), args.get(3));
            return "200 result=1";
        }
        if (line.startsWith("VERBOSE ")) {
            return "200 result=1";
        }
        return "510 Invalid or unknown command";
    }

    /** Splits a command line the way res_agi does: double quotes group, backslash escapes. */
    static List<String> args(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                cur.append(line.charAt(++i));
                any = true;
            } else if (c == '"') {
                quoted = !quoted;
                any = true;
            } else if (c == ' ' && !quoted) {
                if (any) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    any = false;
                }
            } else {
                cur.append(c);
                any = true;
            }
        }
        if (any) {
            out.add(cur.toString());
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
