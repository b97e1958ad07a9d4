package io.ctiserver.server.gateway.events;

import io.ctiserver.events.CallOffered;
import io.ctiserver.events.CallView;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The payload of {@code call.offered}: what an agent needs to greet the caller.
 *
 * @param data     routing ({@code CTI_*}), IVR ({@code IVR_*}) and desktop-attached data
 * @param customer the customer record from the {@code CustomerLookup}, empty when unknown
 * @param crmUrl   the configured template filled in, or null without a template
 * @param recentCalls the caller's last calls from storage (date, agent, result, disposition), newest first; empty
 *                 without storage or history
 */
public record ScreenPop(
        String callId,
        String pbx,
        String callerNumber,
        String callerName,
        String dialed,
        String queue,
        long waitSeconds,
        boolean vip,
        String agentInterface,
        String agentName,
        Map<String, Object> customer,
        Map<String, String> data,
        String crmUrl,
        CallView call,
        List<?> recentCalls) {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_.]+)}");

    public static ScreenPop of(CallOffered e, Map<String, Object> customer, String crmTemplate) {
        return of(e, customer, crmTemplate, List.of());
    }

    public static ScreenPop of(CallOffered e, Map<String, Object> customer, String crmTemplate, List<?> recentCalls) {
        CallView c = e.call();
        long wait = c.queuedAt() == null ? 0 : Math.max(0, Duration.between(c.queuedAt(), e.time()).toSeconds());
        return new ScreenPop(c.callId(), e.pbx(), c.callerNumber(), c.callerName(), c.dialed(), c.queue(), wait,
                isVip(c.data().get("CTI_VIP")), e.agentInterface(), e.agentName(), customer, c.data(),
                crmUrl(crmTemplate, c, customer), c, List.copyOf(recentCalls));
    }

    static boolean isVip(String v) {
        if (v == null) {
            return false;
        }
        String s = v.trim().toLowerCase(Locale.ROOT);
        return s.equals("1") || s.equals("true") || s.equals("yes") || s.equals("y");
    }

    /**
     * Fills {@code {customerId}}, {@code {callerNumber}}, {@code {callerName}}, {@code {dialed}}, {@code {callId}},
     * {@code {queue}} and {@code {data.KEY}}, each URL-encoded; an unknown value becomes empty.
     */
    static String crmUrl(String template, CallView c, Map<String, Object> customer) {
        if (template == null || template.isEmpty()) {
            return null;
        }
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value = switch (name) {
                case "customerId" -> customerId(c, customer);
                case "callerNumber" -> c.callerNumber();
                case "callerName" -> c.callerName();
                case "dialed" -> c.dialed();
                case "callId" -> c.callId();
                case "queue" -> c.queue();
                default -> name.startsWith("data.") ? c.data().get(name.substring(5)) : null;
            };
            m.appendReplacement(sb, Matcher.quoteReplacement(
                    value == null ? "" : URLEncoder.encode(value, StandardCharsets.UTF_8)));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String customerId(CallView c, Map<String, Object> customer) {
        Object id = customer.get("customerId");
        if (id == null) {
            id = customer.get("id");
        }
        if (id == null) {
            id = c.data().get("CTI_CUSTOMER_ID");
        }
        return id == null ? null : id.toString();
    }
}
