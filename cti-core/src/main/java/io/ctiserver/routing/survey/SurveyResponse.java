package io.ctiserver.routing.survey;

import java.time.Instant;

/**
 * One post-call satisfaction answer.
 *
 * @param callId         the call it rates (CTI_CALL_ID)
 * @param agentInterface the agent who served the call (queue member interface), or null if unknown
 * @param score          1 (very unhappy) to 5 (very happy)
 */
public record SurveyResponse(String callId, String agentInterface, String agentName, String callerNumber, int score,
                             Instant time) {

    public static final int MIN = 1;
    public static final int MAX = 5;

    public SurveyResponse {
        if (score < MIN || score > MAX) {
            throw new IllegalArgumentException("survey score must be " + MIN + ".." + MAX + ", got " + score);
        }
    }
}
