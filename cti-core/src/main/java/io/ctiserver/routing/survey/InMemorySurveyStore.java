package io.ctiserver.routing.survey;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Survey answers in memory, the newest {@code capacity} of them. */
public final class InMemorySurveyStore implements SurveyStore {

    private final Deque<SurveyResponse> responses = new ArrayDeque<>();
    private final int capacity;

    public InMemorySurveyStore(int capacity) {
        this.capacity = capacity;
    }

    @Override
    public CompletableFuture<Void> add(SurveyResponse response) {
        synchronized (responses) {
            responses.addLast(response);
            while (responses.size() > capacity) {
                responses.removeFirst();
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public List<SurveyResponse> all() {
        synchronized (responses) {
            return List.copyOf(responses);
        }
    }
}
