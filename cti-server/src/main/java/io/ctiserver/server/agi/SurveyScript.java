package io.ctiserver.server.agi;

import io.ctiserver.routing.survey.SurveyResponse;
import io.ctiserver.routing.survey.SurveyStore;
import io.ctiserver.server.agi.codec.AgiRequest;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code agi://cti:4573/survey,${CTI_CALL_ID},${MEMBERINTERFACE},${MEMBERNAME}}: the post-call satisfaction
 * question. Plays the prompt and reads one DTMF digit with GET DATA; 1..5 is stored with the call id and the agent,
 * anything else is asked once more. Missing arguments are read from the channel (CTI_CALL_ID, MEMBERINTERFACE and
 * MEMBERNAME, which app_queue sets with {@code setinterfacevar=yes}). Sets {@code CTI_SURVEY_SCORE} (empty when no
 * valid answer came).
 */
public final class SurveyScript implements AgiScript {

    private static final Logger LOG = LoggerFactory.getLogger(SurveyScript.class);
    static final int ATTEMPTS = 2;

    private final SurveyStore store;
    private final String prompt;
    private final long digitTimeoutMillis;
    private final Clock clock;

    public SurveyScript(SurveyStore store, String prompt, long digitTimeoutMillis, Clock clock) {
        this.store = store;
        this.prompt = prompt;
        this.digitTimeoutMillis = digitTimeoutMillis;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "survey";
    }

    @Override
    public CompletionStage<?> run(AgiSession session) {
        AgiRequest req = session.request();
        String[] call = new String[3];
        return arg(session, 1, "CTI_CALL_ID").thenAccept(v -> call[0] = v)
                .thenCompose(x -> arg(session, 2, "MEMBERINTERFACE")).thenAccept(v -> call[1] = v)
                .thenCompose(x -> arg(session, 3, "MEMBERNAME")).thenAccept(v -> call[2] = v)
                .thenCompose(x -> ask(session, ATTEMPTS))
                .thenCompose(score -> {
                    if (score.isEmpty()) {
                        LOG.info("survey for call {}: no valid answer", call[0]);
                        return session.setVariable("CTI_SURVEY_SCORE", "");
                    }
                    SurveyResponse r = new SurveyResponse(blankToNull(call[0] == null ? req.uniqueid() : call[0]),
                            blankToNull(call[1]), blankToNull(call[2]), req.callerIdNumber(), score.get(),
                            clock.instant());
                    return store.add(r).thenCompose(x -> session.setVariable("CTI_SURVEY_SCORE",
                            Integer.toString(score.get())));
                });
    }

    private CompletableFuture<Optional<Integer>> ask(AgiSession session, int attemptsLeft) {
        return session.getData(prompt, digitTimeoutMillis, 1).thenCompose(digits -> {
            if (digits.length() == 1 && digits.charAt(0) >= '1' && digits.charAt(0) <= '5') {
                return CompletableFuture.completedFuture(Optional.of(digits.charAt(0) - '0'));
            }
            return attemptsLeft > 1 ? ask(session, attemptsLeft - 1)
                    : CompletableFuture.completedFuture(Optional.<Integer>empty());
        });
    }

    private static CompletableFuture<String> arg(AgiSession session, int n, String variable) {
        String a = session.request().arg(n);
        if (a != null && !a.isEmpty()) {
            return CompletableFuture.completedFuture(a);
        }
        return session.getVariable(variable).thenApply(v -> v.orElse(null));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
