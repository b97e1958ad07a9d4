package io.ctiserver.routing;

import io.ctiserver.routing.QueueLoad.Availability;
import io.ctiserver.routing.QueueLoad.QueueStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The routing rules: a pure function of the request, the customer found, the live queue load and the call history.
 * No I/O, no waiting; safe from any thread. The order is: business hours, skills, overflow, VIP priority, then the
 * agent to try first (VIP account manager, else the last agent).
 */
public final class Router {

    private final RoutingConfig config;
    private final BusinessHours hours;
    private final QueueLoad load;
    private final CallHistory history;

    public Router(RoutingConfig config, QueueLoad load, CallHistory history) {
        this.config = config;
        this.hours = config.hours() == null ? null : new BusinessHours(config.hours());
        this.load = load;
        this.history = history;
    }

    public RoutingConfig config() {
        return config;
    }

    /**
     * Decides for {@code req}.
     *
     * @param customer   the customer found, or null
     * @param lookupNote why there is no customer when the lookup failed (becomes a reason), or null
     */
    public RouteDecision decide(RouteRequest req, Customer customer, String lookupNote, long startNanos) {
        List<String> reasons = new ArrayList<>();
        if (lookupNote != null) {
            reasons.add(lookupNote);
        }
        boolean vip = customer != null && customer.tier() != null && config.vip().tiers().stream()
                .anyMatch(t -> t.equalsIgnoreCase(customer.tier()));
        if (customer != null) {
            reasons.add("caller " + req.callerNumber() + " is customer " + customer.id()
                    + (customer.tier() != null ? " (" + customer.tier() + (vip ? ", VIP" : "") + ")" : ""));
        } else if (lookupNote == null) {
            reasons.add("caller " + blankAs(req.callerNumber(), "(no number)") + " is not a known customer");
        }

        if (hours != null && !hours.isOpen(req.time())) {
            String why = hours.isHoliday(req.time()) ? "holiday" : "outside business hours";
            reasons.add(why + " (" + req.time().atZone(hours.zone()).toLocalDateTime() + " " + hours.zone()
                    + "): after-hours queue " + config.hours().afterHoursQueue());
            int prio = vip ? config.vip().priority() : config.defaultPriority();
            return decision(req, config.hours().afterHoursQueue(), prio, null, 0, vip, customer, reasons, false,
                    startNanos);
        }

        String queue = skillQueue(req, customer, reasons);
        queue = overflow(queue, reasons);

        int priority = config.defaultPriority();
        String agent = null;
        int agentTimeout = 0;
        if (vip) {
            priority = config.vip().priority();
            String manager = customer.accountManager();
            Availability a = manager == null ? null : load.agent(manager);
            if (manager == null) {
                reasons.add("VIP: no account manager on record; priority " + priority + " in " + queue);
            } else if (a == Availability.BUSY) {
                reasons.add("VIP: account manager " + manager + " is not available; priority " + priority
                        + " in " + queue);
            } else {
                agent = manager;
                agentTimeout = config.vip().agentTimeoutSeconds();
                reasons.add("VIP: account manager " + manager + " first for " + agentTimeout + " s, then priority "
                        + priority + " in " + queue);
            }
        }
        if (agent == null && config.lastAgent().enabled()) {
            Optional<CallHistory.LastAgent> last = history.lastAgent(req.callerNumber(),
                    req.time().minus(Duration.ofDays(config.lastAgent().days())));
            if (last.isPresent()) {
                String iface = last.get().agentInterface();
                if (load.agent(iface) == Availability.AVAILABLE) {
                    agent = iface;
                    agentTimeout = config.lastAgent().agentTimeoutSeconds();
                    reasons.add("last agent " + iface + " (served this caller on " + last.get().endedAt()
                            + ") first for " + agentTimeout + " s");
                } else {
                    reasons.add("last agent " + iface + " is not available");
                }
            }
        }
        return decision(req, queue, priority, agent, agentTimeout, vip, customer, reasons, false, startNanos);
    }

    /** The safe answer: the default queue, ordinary priority, no agent. */
    public RouteDecision fallback(RouteRequest req, String why, long startNanos) {
        return decision(req, config.defaultQueue(), config.defaultPriority(), null, 0, false, null,
                List.of(why + ": default queue " + config.defaultQueue()), true, startNanos);
    }

    private String skillQueue(RouteRequest req, Customer customer, List<String> reasons) {
        List<RoutingConfig.SkillRule> rules = config.skills();
        for (int i = 0; i < rules.size(); i++) {
            RoutingConfig.SkillRule rule = rules.get(i);
            if (!rule.when().isEmpty() && rule.when().entrySet().stream()
                    .allMatch(c -> matches(c.getValue(), attribute(c.getKey(), req, customer)))) {
                reasons.add("skill rule " + (i + 1) + " " + rule.when() + ": queue " + rule.queue());
                return rule.queue();
            }
        }
        reasons.add("no skill rule matched: queue " + config.defaultQueue());
        return config.defaultQueue();
    }

    private String overflow(String queue, List<String> reasons) {
        for (RoutingConfig.OverflowRule rule : config.overflow()) {
            if (!rule.queue().equals(queue)) {
                continue;
            }
            Optional<QueueStatus> s = load.status(queue);
            if (s.isEmpty()) {
                return queue;
            }
            QueueStatus st = s.get();
            String why = null;
            if (rule.maxWaiting() != null && st.waiting() > rule.maxWaiting()) {
                why = st.waiting() + " callers waiting (more than " + rule.maxWaiting() + ")";
            } else if (rule.maxLongestWaitSeconds() != null && st.longestWaitSeconds() > rule.maxLongestWaitSeconds()) {
                why = "longest wait " + st.longestWaitSeconds() + " s (more than " + rule.maxLongestWaitSeconds() + " s)";
            } else if (rule.whenNoAgent() && st.availableAgents() == 0) {
                why = "no agent available";
            }
            if (why != null) {
                reasons.add("overflow: " + queue + " has " + why + ": queue " + rule.target());
                return rule.target();
            }
            return queue;
        }
        return queue;
    }

    private static String attribute(String key, RouteRequest req, Customer c) {
        if (key.equals("dialed")) {
            return req.dialed();
        }
        if (key.startsWith("ivr.")) {
            return req.ivrData().get(key.substring(4));
        }
        if (c == null) {
            return null;
        }
        return switch (key) {
            case "customer.language" -> c.language();
            case "customer.product" -> c.product();
            case "customer.tier" -> c.tier();
            default -> key.startsWith("customer.") ? c.attributes().get(key.substring(9)) : null;
        };
    }

    private static boolean matches(String expected, String actual) {
        if (actual == null || actual.isEmpty()) {
            return false;
        }
        if (expected.equals("*")) {
            return true;
        }
        String a = actual.trim().toLowerCase(Locale.ROOT);
        for (String alt : expected.split("\\|")) {
            if (alt.trim().toLowerCase(Locale.ROOT).equals(a)) {
                return true;
            }
        }
        return false;
    }

    private static RouteDecision decision(RouteRequest req, String queue, int priority, String agent, int agentTimeout,
                                          boolean vip, Customer customer, List<String> reasons, boolean fallback,
                                          long startNanos) {
        long micros = Math.max(0, (System.nanoTime() - startNanos) / 1000);
        return new RouteDecision(req.callId(), req.uniqueid(), req.linkedid(), req.channel(), req.callerNumber(),
                req.dialed(), queue, priority, agent, agentTimeout, vip, customer, req.ivrData(), reasons, fallback,
                req.time(), micros);
    }

    private static String blankAs(String s, String other) {
        return s == null || s.isBlank() ? other : s;
    }
}
