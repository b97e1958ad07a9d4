package io.ctiserver.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ctiserver.server.contract.Contracts;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What every test WebSocket client (desktop or chat customer) does with what it receives, in one place: a JDK
 * {@link WebSocket.Listener} that joins a message's parts, parses it once, checks desktop frames against the AsyncAPI
 * document (the first {@value #CONTRACT_SAMPLES} of each message type, see
 * {@link Contracts#sampledWsMessageProblems}), and queues it for the test to wait on.
 *
 * <p>A frame that is not JSON is queued as {@code {"unparseable": TEXT}} (a test waiting for something else skips it;
 * a desktop frame that is not JSON also breaks the contract, so a checked client fails on it).
 */
public final class WsFrames implements WebSocket.Listener {

    /** Frames checked against the contract per message type and client. */
    public static final int CONTRACT_SAMPLES = 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LinkedBlockingDeque<JsonNode> received = new LinkedBlockingDeque<>();
    private final boolean checked;
    private final Map<String, Integer> contractSeen = new ConcurrentHashMap<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();

    /** How the socket ended: the close frame's code and reason, or code -1 and the error. */
    public record Close(int code, String reason) {
    }

    private WsFrames(boolean checked) {
        this.checked = checked;
    }

    /** A desktop's frames: each message type's first frames checked against the AsyncAPI document. */
    public static WsFrames desktop() {
        return new WsFrames(true);
    }

    /** Frames of a protocol the AsyncAPI document does not describe (the chat customer's). */
    public static WsFrames unchecked() {
        return new WsFrames(false);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            JsonNode frame;
            try {
                frame = JSON.readTree(text);
            } catch (Exception e) {
                frame = JSON.createObjectNode().put("unparseable", text);
            }
            if (checked) {
                violations.addAll(Contracts.get().sampledWsMessageProblems(text, frame, contractSeen,
                        CONTRACT_SAMPLES));
            }
            received.add(frame);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new Close(statusCode, reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(new Close(-1, "error " + error));
    }

    /** The frames received and not yet taken, oldest first (tests may read or clear it directly). */
    public LinkedBlockingDeque<JsonNode> received() {
        return received;
    }

    public CompletableFuture<Close> closed() {
        return closed;
    }

    /** The contract problems seen so far (empty for an unchecked client). */
    public List<String> violations() {
        return violations;
    }

    /** The next frame matching {@code p}; the frames before it are dropped. Fails after {@code timeout}. */
    public JsonNode next(Predicate<JsonNode> p, Duration timeout, String what) throws InterruptedException {
        return next(p, timeout, what, false);
    }

    /**
     * Like {@link #next}, but the frames it passes over stay queued, in order, for the next wait: a command's
     * {@code result} and the events the command causes race to the desktop (the fan-out may deliver an event before
     * the result is written), so waiting for the result must not throw the event away.
     */
    public JsonNode nextKeepingOthers(Predicate<JsonNode> p, Duration timeout, String what)
            throws InterruptedException {
        return next(p, timeout, what, true);
    }

    private JsonNode next(Predicate<JsonNode> p, Duration timeout, String what, boolean keep)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<JsonNode> passed = new ArrayList<>();
        try {
            while (true) {
                checkContract();
                long left = deadline - System.nanoTime();
                JsonNode f = left <= 0 ? null : received.poll(left, TimeUnit.NANOSECONDS);
                if (f == null) {
                    throw new AssertionError("no " + what + " message within " + timeout.toSeconds() + " s");
                }
                if (p.test(f)) {
                    return f;
                }
                if (keep) {
                    passed.add(f);
                }
            }
        } finally {
            for (int i = passed.size() - 1; i >= 0; i--) {
                received.addFirst(passed.get(i));
            }
        }
    }

    /** Every frame received and not yet taken. */
    public List<JsonNode> drain() {
        List<JsonNode> out = new ArrayList<>();
        received.drainTo(out);
        return out;
    }

    /** Fails when a frame received so far did not match the AsyncAPI document. */
    public void checkContract() {
        if (!violations.isEmpty()) {
            throw new AssertionError("WebSocket messages break the AsyncAPI contract: " + violations);
        }
    }

    /** {@code {"type":"command","id":ID, ...fields of json}}: a command frame from a JSON object's text. */
    public static String command(String id, String json) {
        return "{\"type\":\"command\",\"id\":\"" + id + "\"," + json.substring(1);
    }

    /** Whether {@code frame} is the result of the command with this id. */
    public static boolean isResult(JsonNode frame, String id) {
        return "result".equals(frame.path("type").asText()) && id.equals(frame.path("id").asText());
    }
}
