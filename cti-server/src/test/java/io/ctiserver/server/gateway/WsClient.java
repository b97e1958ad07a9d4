package io.ctiserver.server.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctiserver.server.testing.WsFrames;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/** A desktop: the JDK's WebSocket client; what it receives is parsed, contract-checked and queued by WsFrames. */
final class WsClient implements AutoCloseable {

    private final WsFrames frames = WsFrames.desktop();
    final BlockingQueue<JsonNode> received = frames.received();
    /** Messages that do not match the AsyncAPI document: the test that saw them fails. */
    final List<String> violations = frames.violations();
    /** "CODE REASON" of the close frame, or "error ..." */
    final CompletableFuture<String> closed = frames.closed()
            .thenApply(c -> c.code() == -1 ? c.reason() : c.code() + " " + c.reason());
    final WebSocket ws;

    private WsClient(URI uri) {
        this(HttpClient.newHttpClient(), uri);
    }

    WsClient(HttpClient client, URI uri) {
        this.ws = client.newWebSocketBuilder().buildAsync(uri, frames).join();
    }

    static WsClient connect(int port, String query) {
        return new WsClient(URI.create("ws://127.0.0.1:" + port + "/ws" + (query == null ? "" : "?" + query)));
    }

    void send(String text) {
        ws.sendText(text, true).join();
    }

    void send(ObjectNode json) {
        send(json.toString());
    }

    /** The next message of {@code type}, skipping others (kpi ticks, ...). */
    JsonNode next(String type) throws InterruptedException {
        return next(m -> type.equals(m.path("type").asText()), type);
    }

    JsonNode next(Predicate<JsonNode> p, String what) throws InterruptedException {
        return next(p, what, 10);
    }

    JsonNode next(Predicate<JsonNode> p, String what, int seconds) throws InterruptedException {
        return frames.next(p, Duration.ofSeconds(seconds), what);
    }

    /** Sends a command and waits for its result. */
    JsonNode command(String id, String json) throws InterruptedException {
        send(WsFrames.command(id, json));
        return next(m -> WsFrames.isResult(m, id), "result " + id);
    }

    /** Fails when a message received so far did not match the AsyncAPI document. */
    void checkContract() {
        frames.checkContract();
    }

    @Override
    public void close() {
        ws.abort();
        checkContract();
    }
}
