package io.ctiserver.server.omni.bot;

import io.ctiserver.events.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An external bot over HTTP: POST the {@link BotTurn} as JSON, read a {@link BotReply}. Like FastAGI routing it has
 * a deadline and a safe default: no answer in time, an error status or a body that is not a reply hands the chat to
 * a person, with the reason in the agent's offer. Never completes exceptionally.
 */
public final class HttpBot implements Bot {

    private static final Logger LOG = LoggerFactory.getLogger(HttpBot.class);
    /** Replies longer than this are not read (a bot is not a file server). */
    static final int MAX_REPLY_BYTES = 64 * 1024;

    private final String name;
    private final URI url;
    private final long deadlineMillis;
    private final HttpClient http;

    public HttpBot(String name, String url, long deadlineMillis) {
        this.name = name;
        this.url = URI.create(url);
        this.deadlineMillis = deadlineMillis;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(deadlineMillis)).build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletableFuture<BotReply> answer(BotTurn turn) {
        byte[] body;
        try {
            body = Json.mapper().writeValueAsBytes(turn);
        } catch (Exception e) {
            return CompletableFuture.completedFuture(fallback("the turn could not be encoded"));
        }
        HttpRequest req = HttpRequest.newBuilder(url).timeout(Duration.ofMillis(deadlineMillis))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        CompletableFuture<BotReply> f;
        try {
            f = http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray()).thenApply(this::parse);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        return f.completeOnTimeout(null, deadlineMillis, TimeUnit.MILLISECONDS).handle((answer, ex) -> {
            BotReply r = answer;
            Throwable t = ex == null ? null : ex.getCause() != null ? ex.getCause() : ex;
            if (t instanceof java.net.http.HttpTimeoutException) {
                r = null; // the HTTP timeout is the same deadline: one reason, whichever fires first
                t = null;
            }
            if (t != null) {
                LOG.warn("bot {} failed for chat {}: {}", url, turn.chatId(), t.toString());
                return fallback("the bot failed (" + t.getClass().getSimpleName() + ")");
            }
            if (r == null) {
                LOG.warn("bot {} gave no answer within {} ms for chat {}", url, deadlineMillis, turn.chatId());
                return fallback("the bot gave no answer within " + deadlineMillis + " ms");
            }
            return r;
        });
    }

    private BotReply parse(HttpResponse<byte[]> res) {
        if (res.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + res.statusCode());
        }
        if (res.body().length > MAX_REPLY_BYTES) {
            throw new IllegalStateException("reply over " + MAX_REPLY_BYTES + " bytes");
        }
        try {
            return Json.mapper().readValue(res.body(), BotReply.class);
        } catch (Exception e) {
            throw new IllegalStateException("reply is not a bot reply JSON: " + e.getMessage());
        }
    }

    private static BotReply fallback(String why) {
        return BotReply.handover("Let me pass you to a colleague.", why);
    }
}
