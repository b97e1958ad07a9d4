package io.ctiserver.server.webhooks;

import io.ctiserver.config.DefaultIs;
import io.ctiserver.config.Range;
import io.ctiserver.config.Secret;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * The {@code webhooks} section of the server config: where events are POSTed for CRM plugins (docs/crm-integration.md).
 *
 * @param subscriptions       the receivers and what each wants
 * @param queueCapacity       deliveries waiting per subscription; beyond it a new event is refused, counted and logged
 * @param lanes               parallel senders per subscription; the events of one call always use the same lane, so
 *                            they arrive in order, and a receiver slow on one call does not hold up the others
 * @param maxAttempts         tries per delivery before it is given up (counted and logged)
 * @param initialBackoffMillis the wait before the first retry; doubled for each further retry
 * @param maxBackoffMillis    the longest wait between two tries
 * @param timeoutMillis       connect plus answer timeout of one try
 */
public record WebhooksConfig(List<Subscription> subscriptions, @Range(min = 1) Integer queueCapacity,
                             @Range(min = 1, max = 64) Integer lanes, @Range(min = 1, max = 100) Integer maxAttempts,
                             @Range(min = 1) Long initialBackoffMillis, @Range(min = 1) Long maxBackoffMillis,
                             @Range(min = 1) Long timeoutMillis) {

    public WebhooksConfig {
        subscriptions = subscriptions == null ? List.of() : List.copyOf(subscriptions);
        queueCapacity = queueCapacity == null ? 10_000 : queueCapacity;
        lanes = lanes == null ? 4 : lanes;
        maxAttempts = maxAttempts == null ? 8 : maxAttempts;
        initialBackoffMillis = initialBackoffMillis == null ? 1_000L : initialBackoffMillis;
        maxBackoffMillis = maxBackoffMillis == null ? 60_000L : Math.max(maxBackoffMillis, initialBackoffMillis);
        timeoutMillis = timeoutMillis == null ? 5_000L : timeoutMillis;
    }

    public static WebhooksConfig none() {
        return new WebhooksConfig(null, null, null, null, null, null, null);
    }

    /**
     * One receiver.
     *
     * @param name   a label for logs and metrics
     * @param url    where to POST (http or https)
     * @param secret the HMAC-SHA256 key the receiver verifies {@code X-CTI-Signature} with
     * @param events event types to send, e.g. {@code call.offered}, {@code call.ended}; empty = every type
     * @param queues queues whose events to send; empty = every event. With queues set, events that belong to no queue
     *               (agent.state, pbx.status) are not sent
     */
    public record Subscription(@DefaultIs("the URL's host") String name, String url, @Secret String secret, List<String> events,
                               List<String> queues) {

        public Subscription {
            if (url == null || url.isBlank()) {
                throw new IllegalArgumentException("url is required");
            }
            String scheme = URI.create(url).getScheme();
            if (scheme == null || !List.of("http", "https").contains(scheme.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("url must be http:// or https://, got '" + url + "'");
            }
            if (secret == null || secret.isBlank()) {
                throw new IllegalArgumentException("secret (or secretFile) is required: receivers verify the "
                        + "signature with it");
            }
            name = name == null || name.isBlank() ? URI.create(url).getHost() : name;
            events = events == null ? List.of() : List.copyOf(events);
            queues = queues == null ? List.of() : List.copyOf(queues);
        }

        boolean wants(String type, String queue) {
            if (!events.isEmpty() && !events.contains(type)) {
                return false;
            }
            return queues.isEmpty() || (queue != null && queues.contains(queue));
        }

        /** Never prints the secret. */
        @Override
        public String toString() {
            return "Subscription[" + name + ", " + url + ", events=" + events + ", queues=" + queues + "]";
        }
    }
}
