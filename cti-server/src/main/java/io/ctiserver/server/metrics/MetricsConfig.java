package io.ctiserver.server.metrics;

import io.ctiserver.config.Secret;

/**
 * The {@code metrics} section of the server config.
 *
 * @param enabled serve Prometheus metrics at {@code /metrics} on the gateway's port
 * @param token   when set, {@code /metrics} requires {@code Authorization: Bearer TOKEN} (Prometheus'
 *                {@code authorization} / {@code bearer_token_file}); when not set it is open, for a scrape from a
 *                private network
 */
public record MetricsConfig(Boolean enabled, @Secret String token) {

    public MetricsConfig {
        enabled = enabled == null || enabled;
        token = token == null || token.isBlank() ? null : token;
    }

    public static MetricsConfig defaults() {
        return new MetricsConfig(null, null);
    }
}
