package io.ctiserver.routing.survey;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Customer satisfaction (CSAT) from survey answers: the usual definition, the share of answers that are 4 or 5 on the
 * 1..5 scale, as a percentage; with the mean score beside it.
 *
 * @param percent satisfied / responses * 100, or 0 without responses
 */
public record Csat(int responses, int satisfied, double percent, double averageScore) {

    public static final int SATISFIED_FROM = 4;

    public static Csat of(Collection<SurveyResponse> answers) {
        int n = answers.size();
        if (n == 0) {
            return new Csat(0, 0, 0, 0);
        }
        int satisfied = 0;
        long sum = 0;
        for (SurveyResponse r : answers) {
            sum += r.score();
            if (r.score() >= SATISFIED_FROM) {
                satisfied++;
            }
        }
        return new Csat(n, satisfied, 100.0 * satisfied / n, (double) sum / n);
    }

    /** CSAT per agent interface (answers without an agent are left out). */
    public static Map<String, Csat> byAgent(Collection<SurveyResponse> answers) {
        return answers.stream().filter(r -> r.agentInterface() != null)
                .collect(Collectors.groupingBy(SurveyResponse::agentInterface, TreeMap::new,
                        Collectors.collectingAndThen(Collectors.toList(), Csat::of)));
    }
}
