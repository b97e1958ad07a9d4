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
import io.ctiserver.server.sim.AgiWords;
import io.ctiserver.server.sim.DialplanText;
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
        List<String> args = AgiWords.split(line);
        if (line.startsWith("GET VARIABLE ")) {
            String v = channelVariables.get(args.get(2));
            return v == null ? "200 result=0" : "200 result=1 (" + v + ")";
        }
        if (line.startsWith("GET FULL VARIABLE ")) {
            return "200 result=1 (" + DialplanText.substitute(args.get(3), channelVariables::get) + ")";
        }
        if (line.startsWith("SET VARIABLE ")) {
            set.put(args.get(2), args.get(3));
            channelVariables.put(args.get(2), args.get(3));
            return "200 result=1";
        }
        if (line.startsWith("EXEC MSet ")) {
            for (String pair : DialplanText.separateAppArgs(args.size() > 2 ? args.get(2) : "", ',', 99)) {
                List<String> nv = DialplanText.separateAppArgs(pair, '=', 2);
                if (nv.size() == 2) {
                    set.put(nv.get(0), nv.get(1));
                    channelVariables.put(nv.get(0), nv.get(1));
                }
            }
            return "200 result=0";
        }
        if (line.startsWith("VERBOSE ")) {
            return "200 result=1";
        }
        return "510 Invalid or unknown command";
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
