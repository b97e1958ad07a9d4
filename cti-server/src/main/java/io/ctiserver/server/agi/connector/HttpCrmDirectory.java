package io.ctiserver.server.agi.connector;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ctiserver.routing.Customer;
import io.ctiserver.routing.CustomerDirectory;
import io.ctiserver.routing.InMemoryCustomerDirectory;
import io.ctiserver.routing.PhoneNumbers;
import io.ctiserver.routing.RoutingConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Looks customers up in an HTTP CRM: {@code GET url} with {@code {number}} replaced by the caller's number; 200 with a
 * customer JSON object (the embedded directory's field names), or 404 for "not a customer". Asynchronous (JDK
 * HttpClient), with a request timeout; answers (found and not found) are cached for {@code cacheSeconds} in a
 * bounded LRU cache, so a caller who calls back does not cost a second request. Errors are not cached. Lookups of a
 * number that is already being asked share that one request (a burst of calls from one number, a slow CRM).
 */
public final class HttpCrmDirectory implements CustomerDirectory {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Cached(Optional<Customer> customer, Instant expires) {
    }

    private final RoutingConfig.Crm config;
    private final HttpClient http;
    private final Clock clock;
    private final Map<String, Cached> cache;
    private final Map<String, CompletableFuture<Optional<Customer>>> inFlight =
            new java.util.concurrent.ConcurrentHashMap<>();

    public HttpCrmDirectory(RoutingConfig.Crm config, HttpClient http, Clock clock) {
        this.config = config;
        this.http = http;
        this.clock = clock;
        int max = config.cacheSize();
        this.cache = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
                return size() > max;
            }
        };
    }

    public static HttpCrmDirectory create(RoutingConfig.Crm config) {
        return new HttpCrmDirectory(config, HttpClient.newBuilder()
                .connectTimeout(Duration.ofMillis(config.timeoutMillis())).build(), Clock.systemUTC());
    }

    @Override
    public CompletableFuture<Optional<Customer>> findByNumber(String callerNumber) {
        String key = PhoneNumbers.normalize(callerNumber);
        if (key.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        Instant now = clock.instant();
        synchronized (cache) {
            Cached c = cache.get(key);
            if (c != null && c.expires.isAfter(now)) {
                return CompletableFuture.completedFuture(c.customer);
            }
        }
        CompletableFuture<Optional<Customer>> mine = new CompletableFuture<>();
        CompletableFuture<Optional<Customer>> asked = inFlight.putIfAbsent(key, mine);
        if (asked != null) {
            return asked.copy();
        }
        request(callerNumber, key).whenComplete((found, error) -> {
            inFlight.remove(key, mine);
            if (error != null) {
                mine.completeExceptionally(error);
            } else {
                mine.complete(found);
            }
        });
        return mine.copy();
    }

    private CompletableFuture<Optional<Customer>> request(String callerNumber, String key) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(config.url().replace("{number}",
                        URLEncoder.encode(callerNumber, StandardCharsets.UTF_8))))
                .timeout(Duration.ofMillis(config.timeoutMillis()))
                .header("Accept", "application/json")
                .GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(resp -> {
            Optional<Customer> found;
            if (resp.statusCode() == 404) {
                found = Optional.empty();
            } else if (resp.statusCode() == 200) {
                try {
                    found = Optional.of(InMemoryCustomerDirectory.fromJson(JSON.readTree(resp.body())));
                } catch (IOException | IllegalArgumentException e) {
                    throw new CompletionException(new IOException("CRM answer for " + callerNumber
                            + " is not a customer: " + e.getMessage()));
                }
            } else {
                throw new CompletionException(new IOException("CRM answered HTTP " + resp.statusCode()));
            }
            synchronized (cache) {
                cache.put(key, new Cached(found, clock.instant().plusSeconds(config.cacheSeconds())));
            }
            return found;
        });
    }

    /** Lookups waiting for the CRM. */
    public int inFlight() {
        return inFlight.size();
    }

    public int cached() {
        synchronized (cache) {
            return cache.size();
        }
    }
}
