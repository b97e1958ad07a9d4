package io.ctiserver.server.gateway;

import io.ctiserver.server.gateway.auth.User;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What the gateway reads from storage, implemented by the wiring ({@code io.ctiserver.server.storage.StorageApi}):
 * the history and report endpoints, a caller's recent calls for the screen pop, and storage's health.
 */
public interface StoredData {

    /** An HTTP answer: status, content type and body. */
    record Answer(int status, String contentType, byte[] body) {
    }

    /**
     * Answers {@code GET /api/history/...} and {@code GET /api/reports/...} for this user. Completes off the event
     * loop (the queries run on storage's own threads); a bad parameter completes with a 400 naming it.
     *
     * @param accept the request's Accept header (text/csv for CSV), or null
     */
    CompletableFuture<Answer> get(String path, Map<String, List<String>> params, String accept, User user);

    /**
     * The caller's last calls for the screen pop (date, agent, result, disposition), newest first. Called on the
     * gateway's fan-out thread: answers from a cache warmed when the caller joined a queue, and waits at most a few
     * milliseconds otherwise (then the pop goes without).
     */
    List<?> recentCalls(String callerNumber);

    /** Storage's state for /api/health (JSON-serialisable), or null when there is no storage. */
    Object health();

    StoredData NONE = new StoredData() {
        @Override
        public CompletableFuture<Answer> get(String path, Map<String, List<String>> params, String accept, User u) {
            return CompletableFuture.completedFuture(new Answer(404, "application/json",
                    "{\"ok\":false,\"error\":{\"code\":\"not_found\",\"message\":\"no storage on this server\"}}"
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }

        @Override
        public List<?> recentCalls(String callerNumber) {
            return List.of();
        }

        @Override
        public Object health() {
            return null;
        }
    };
}
