package io.ctiserver.server.omni;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.server.testing.WsFrames;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A WebSocket client on the JDK's client: a desktop (its frames checked against the AsyncAPI document) or a chat
 * customer (the widget's protocol, which that document does not describe). WsFrames parses and queues what it gets.
 */
final class Ws implements AutoCloseable {

    private final WsFrames frames;
    final LinkedBlockingDeque<JsonNode> received;
    /** The close code, or -1 after an error. */
    final CompletableFuture<Integer> closed;
    final WebSocket ws;

    Ws(String uri) {
        this.frames = uri.contains("/chat/") ? WsFrames.unchecked() : WsFrames.desktop();
        this.received = frames.received();
        this.closed = frames.closed().thenApply(WsFrames.Close::code);
        this.ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(uri), frames).join();
    }

    void send(String text) {
        ws.sendText(text, true).join();
    }

    JsonNode next(String type) throws InterruptedException {
        return next(m -> type.equals(m.path("type").asText()), type);
    }

    JsonNode next(Predicate<JsonNode> p, String what) throws InterruptedException {
        return frames.next(p, Duration.ofSeconds(10), what);
    }

    /** A customer chat message whose text contains {@code part}. */
    JsonNode message(String part) throws InterruptedException {
        return next(m -> "message".equals(m.path("type").asText()) && m.path("text").asText().contains(part),
                "message containing '" + part + "'");
    }

    /** Sends a command and waits for its result; events that came first stay to be read. */
    JsonNode command(String id, String json) throws InterruptedException {
        send(WsFrames.command(id, json));
        return frames.nextKeepingOthers(m -> WsFrames.isResult(m, id), Duration.ofSeconds(10), "result " + id);
    }

    int closeCode() throws Exception {
        return closed.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        ws.abort();
        frames.checkContract();
    }
}
