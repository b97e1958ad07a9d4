package io.ctiserver.routing.survey;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Where survey answers go. {@link #add} never blocks its caller (it may run on an event loop). */
public interface SurveyStore {

    /** Stores an answer; completes when it is stored. */
    CompletableFuture<Void> add(SurveyResponse response);

    /** Every stored answer, oldest first. */
    List<SurveyResponse> all();

    default Csat csat() {
        return Csat.of(all());
    }
}
