package io.ctiserver.routing;

import io.ctiserver.config.InputFile;
import io.ctiserver.config.Range;

import java.util.List;
import java.util.Map;

/**
 * The {@code routing} section of the server config: where calls go and why. Every field has a default, so an empty
 * section routes everything to {@code support}. See {@code docs/routing.md} for an annotated example.
 *
 * @param defaultQueue    where a call goes when no rule says otherwise, and the safe answer when the deadline passes
 * @param defaultPriority the QUEUE_PRIO of an ordinary caller
 * @param deadlineMillis  the whole decision (lookup included) must be made within this; else the default queue
 * @param ivrVariables    channel variables the dialplan collected before AGI (read with GET VARIABLE), e.g. IVR_CHOICE
 * @param customersFile   the embedded directory's import file (CSV, or JSON by extension); null for none
 * @param crm             an HTTP CRM to look customers up in instead of the embedded directory; null for none
 */
public record RoutingConfig(
        String defaultQueue,
        Integer defaultPriority,
        @Range(min = 1) Long deadlineMillis,
        List<String> ivrVariables,
        @InputFile String customersFile,
        Crm crm,
        Hours hours,
        Vip vip,
        List<SkillRule> skills,
        List<OverflowRule> overflow,
        LastAgentRule lastAgent) {

    public RoutingConfig {
        defaultQueue = defaultQueue == null || defaultQueue.isBlank() ? "support" : defaultQueue;
        defaultPriority = defaultPriority == null ? 0 : defaultPriority;
        deadlineMillis = deadlineMillis == null ? 300L : deadlineMillis;
        if (deadlineMillis <= 0) {
            throw new IllegalArgumentException("routing.deadlineMillis must be positive");
        }
        ivrVariables = ivrVariables == null ? List.of() : List.copyOf(ivrVariables);
        vip = vip == null ? new Vip(null, null, null) : vip;
        skills = skills == null ? List.of() : List.copyOf(skills);
        overflow = overflow == null ? List.of() : List.copyOf(overflow);
        lastAgent = lastAgent == null ? new LastAgentRule(false, null, null) : lastAgent;
    }

    public static RoutingConfig defaults() {
        return new RoutingConfig(null, null, null, null, null, null, null, null, null, null, null);
    }

    /**
     * @param url           the lookup URL; {@code {number}} is replaced by the caller's number (URL-encoded). The CRM
     *                      answers 200 with a customer JSON object (the embedded directory's fields), or 404
     * @param timeoutMillis the HTTP request timeout (the routing deadline still applies on top)
     * @param cacheSeconds  how long an answer (found or not found) is cached
     * @param cacheSize     how many numbers the cache holds at most
     */
    public record Crm(String url, Long timeoutMillis, Long cacheSeconds, Integer cacheSize) {
        public Crm {
            if (url == null || url.isBlank()) {
                throw new IllegalArgumentException("routing.crm.url is required");
            }
            timeoutMillis = timeoutMillis == null ? 250L : timeoutMillis;
            cacheSeconds = cacheSeconds == null ? 300L : cacheSeconds;
            cacheSize = cacheSize == null ? 10_000 : cacheSize;
        }
    }

    /**
     * Business hours in a time zone. Outside them (or on a holiday) calls go to {@code afterHoursQueue}.
     *
     * @param weekly   day spec to hours, e.g. {@code "mon-fri": "08:00-18:00"}, {@code "sat": "09:00-12:00"};
     *                 several ranges separated by commas; a day not listed is closed
     * @param holidays ISO dates ({@code 2026-12-25}) that are closed all day
     */
    public record Hours(String timeZone, Map<String, String> weekly, List<String> holidays, String afterHoursQueue) {
        public Hours {
            timeZone = timeZone == null ? "UTC" : timeZone;
            weekly = weekly == null ? Map.of() : Map.copyOf(weekly);
            holidays = holidays == null ? List.of() : List.copyOf(holidays);
            if (afterHoursQueue == null || afterHoursQueue.isBlank()) {
                throw new IllegalArgumentException("routing.hours.afterHoursQueue is required");
            }
        }
    }

    /**
     * @param tiers               customer tiers that are VIP, e.g. {@code ["gold", "platinum"]}
     * @param priority            their QUEUE_PRIO (higher is served first)
     * @param agentTimeoutSeconds how long their account manager rings before the call goes to the queue
     */
    public record Vip(List<String> tiers, Integer priority, Integer agentTimeoutSeconds) {
        public Vip {
            tiers = tiers == null ? List.of() : List.copyOf(tiers);
            priority = priority == null ? 10 : priority;
            agentTimeoutSeconds = agentTimeoutSeconds == null ? 15 : agentTimeoutSeconds;
        }
    }

    /**
     * The first rule whose conditions all hold chooses the queue. Condition keys: {@code dialed},
     * {@code customer.language}, {@code customer.product}, {@code customer.tier}, {@code ivr.NAME} (an IVR
     * variable). Values compare without case; {@code a|b} matches either; {@code *} matches any non-empty value.
     */
    public record SkillRule(Map<String, String> when, String queue) {
        public SkillRule {
            when = when == null ? Map.of() : Map.copyOf(when);
            if (queue == null || queue.isBlank()) {
                throw new IllegalArgumentException("routing.skills[].queue is required");
            }
        }
    }

    /**
     * Sends calls for {@code queue} to {@code target} when it is overloaded. Any condition that is set may fire.
     *
     * @param maxWaiting            more callers waiting than this
     * @param maxLongestWaitSeconds the oldest caller has waited longer than this
     * @param whenNoAgent           no member could take a call now
     */
    public record OverflowRule(String queue, Integer maxWaiting, Long maxLongestWaitSeconds, Boolean whenNoAgent,
                               String target) {
        public OverflowRule {
            if (queue == null || target == null) {
                throw new IllegalArgumentException("routing.overflow[] needs queue and target");
            }
            whenNoAgent = whenNoAgent != null && whenNoAgent;
        }
    }

    /**
     * @param days                how far back the last agent counts
     * @param agentTimeoutSeconds how long the last agent rings before the call goes to the queue
     */
    public record LastAgentRule(Boolean enabled, Integer days, Integer agentTimeoutSeconds) {
        public LastAgentRule {
            enabled = enabled != null && enabled;
            days = days == null ? 7 : days;
            agentTimeoutSeconds = agentTimeoutSeconds == null ? 15 : agentTimeoutSeconds;
        }
    }
}
