package io.ctiserver.server.webhooks;

import io.ctiserver.server.gateway.events.EventTap;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs the gateway's events to each webhook subscription, signed ({@link WebhookSignature}).
 *
 * <h2>Never blocks the gateway, never loses silently</h2>
 * {@link #onPublished} runs on the gateway's fan-out thread and only offers the event to a bounded queue. Each
 * subscription has {@code lanes} queues, each drained by its own sender thread; an event that finds its queue full is
 * refused, counted ({@link Stats#rejected}) and logged (one line per ten seconds with the count). A delivery is tried
 * up to {@code maxAttempts} times with exponential backoff and jitter; one that still fails, or that the receiver
 * refuses for good (a 4xx other than 408 and 429), is given up: counted ({@link Stats#gaveUp}) and logged with its
 * event type, call id and last answer. Deliveries still queued at shutdown are counted and logged too.
 *
 * <h2>Order per call</h2>
 * All events of a call go to the same lane (by call id), and a lane sends one delivery at a time, retries included:
 * the receiver gets a call's events in the order the gateway published them. Events of no call share lane 0.
 */
public final class WebhookDispatcher implements EventTap, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final long REJECT_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** One subscription's counters, read by metrics and tests. */
    public static final class Stats {
        final AtomicLong delivered = new AtomicLong();
        final AtomicLong failedAttempts = new AtomicLong();
        final AtomicLong gaveUp = new AtomicLong();
        final AtomicLong rejected = new AtomicLong();

        public long delivered() {
            return delivered.get();
        }

        /** Tries that failed and were retried or given up. */
        public long failedAttempts() {
            return failedAttempts.get();
        }

        public long gaveUp() {
            return gaveUp.get();
        }

        /** Events refused because the subscription's queue was full. */
        public long rejected() {
            return rejected.get();
        }
    }

    private record Delivery(String id, String type, String callId, byte[] body) {
    }

    private final WebhooksConfig config;
    private final HttpClient http;
    private final List<Subscriber> subscribers = new ArrayList<>();
    private final AtomicLong nextId = new AtomicLong();
    private final String idPrefix = Long.toString(System.currentTimeMillis(), 36);
    private volatile boolean running = true;

    public WebhookDispatcher(WebhooksConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofMillis(config.timeoutMillis()))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        for (WebhooksConfig.Subscription s : config.subscriptions()) {
            subscribers.add(new Subscriber(s));
        }
        LOG.info("webhooks: {} subscription(s): {}", subscribers.size(), config.subscriptions());
    }

    public List<WebhooksConfig.Subscription> subscriptions() {
        return config.subscriptions();
    }

    /** The counters of the subscription named {@code name}. */
    public Stats stats(String name) {
        return subscribers.stream().filter(s -> s.sub.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no webhook subscription '" + name + "'")).stats;
    }

    /** Deliveries waiting (not counting the ones being tried) for {@code name}. */
    public int queued(String name) {
        return subscribers.stream().filter(s -> s.sub.name().equals(name)).mapToInt(Subscriber::queued).sum();
    }

    @Override
    public void onPublished(String type, String callId, String queue, byte[] body) {
        if (!running) {
            return;
        }
        Delivery d = null;
        for (Subscriber s : subscribers) {
            if (s.sub.wants(type, queue)) {
                if (d == null) {
                    d = new Delivery(idPrefix + "-" + nextId.incrementAndGet(), type, callId, body);
                }
                s.offer(d);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        subscribers.forEach(Subscriber::stop);
    }

    /** One subscription: its lanes and counters. */
    private final class Subscriber {
        final WebhooksConfig.Subscription sub;
        final byte[] secret;
        final Stats stats = new Stats();
        final List<BlockingQueue<Delivery>> lanes = new ArrayList<>();
        final List<Thread> threads = new ArrayList<>();
        long lastRejectLog;
        long rejectedSinceLog;

        Subscriber(WebhooksConfig.Subscription sub) {
            this.sub = sub;
            this.secret = sub.secret().getBytes(StandardCharsets.UTF_8);
            int perLane = Math.max(1, config.queueCapacity() / config.lanes());
            for (int i = 0; i < config.lanes(); i++) {
                BlockingQueue<Delivery> q = new ArrayBlockingQueue<>(perLane);
                lanes.add(q);
                Thread t = new Thread(() -> drain(q), "webhook-" + sub.name() + "-" + i);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }

        int queued() {
            return lanes.stream().mapToInt(BlockingQueue::size).sum();
        }

        void offer(Delivery d) {
            int lane = d.callId() == null ? 0 : Math.floorMod(d.callId().hashCode(), lanes.size());
            if (lanes.get(lane).offer(d)) {
                return;
            }
            stats.rejected.incrementAndGet();
            rejectedSinceLog++;
            long now = System.nanoTime();
            if (lastRejectLog == 0 || now - lastRejectLog > REJECT_LOG_INTERVAL_NANOS) {
                LOG.warn("webhook {}: queue full ({} per lane), {} event(s) refused since the last report, latest {} "
                        + "of call {}; the receiver is too slow or down", sub.name(), lanes.get(lane).remainingCapacity()
                        + lanes.get(lane).size(), rejectedSinceLog, d.type(), d.callId());
                lastRejectLog = now;
                rejectedSinceLog = 0;
            }
        }

        void drain(BlockingQueue<Delivery> q) {
            while (running) {
                Delivery d;
                try {
                    d = q.take();
                } catch (InterruptedException e) {
                    break;
                }
                deliver(d);
            }
            int left = q.size();
            if (left > 0) {
                stats.gaveUp.addAndGet(left);
                LOG.warn("webhook {}: {} queued deliveries not sent: the server is stopping", sub.name(), left);
                q.clear();
            }
        }

        void deliver(Delivery d) {
            String last = "";
            for (int attempt = 1; attempt <= config.maxAttempts(); attempt++) {
                int status = -1;
                try {
                    long t = System.currentTimeMillis() / 1000;
                    HttpRequest req = HttpRequest.newBuilder(URI.create(sub.url()))
                            .timeout(Duration.ofMillis(config.timeoutMillis()))
                            .header("Content-Type", "application/json")
                            .header("User-Agent", "cti-server-webhooks")
                            .header(WebhookSignature.HEADER, WebhookSignature.sign(secret, t, d.body()))
                            .header("X-CTI-Event", d.type())
                            .header("X-CTI-Delivery", d.id())
                            .header("X-CTI-Attempt", Integer.toString(attempt))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(d.body()))
                            .build();
                    status = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
                    last = "HTTP " + status;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    giveUp(d, attempt, "the server is stopping");
                    return;
                } catch (Exception e) {
                    last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                }
                if (status >= 200 && status < 300) {
                    stats.delivered.incrementAndGet();
                    return;
                }
                stats.failedAttempts.incrementAndGet();
                if (status >= 400 && status < 500 && status != 408 && status != 429) {
                    giveUp(d, attempt, last + " (refused: not retried)");
                    return;
                }
                if (attempt < config.maxAttempts() && !sleep(backoff(attempt))) {
                    giveUp(d, attempt, "the server is stopping");
                    return;
                }
            }
            giveUp(d, config.maxAttempts(), last);
        }

        private void giveUp(Delivery d, int attempts, String why) {
            stats.gaveUp.incrementAndGet();
            LOG.warn("webhook {}: gave up delivery {} ({} of call {}) after {} attempt(s): {}", sub.name(), d.id(),
                    d.type(), d.callId(), attempts, why);
        }

        void stop() {
            threads.forEach(Thread::interrupt);
        }
    }

    /** {@code initial * 2^(attempt-1)}, capped, with up to 20 % jitter so that receivers are not hit in waves. */
    long backoff(int attempt) {
        long base = config.initialBackoffMillis() << Math.min(attempt - 1, 30);
        long capped = Math.min(Math.max(base, config.initialBackoffMillis()), config.maxBackoffMillis());
        return capped - (long) (capped * 0.2 * ThreadLocalRandom.current().nextDouble());
    }

    private boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return running;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
