package io.ctiserver.server.metrics;

/** {@link MetricsEndpointTest}'s HTTP helpers for tests of other packages. */
public final class MetricsEndpointTestAccess {

    private MetricsEndpointTestAccess() {
    }

    public static String scrape(int port) {
        return MetricsEndpointTest.scrape(port);
    }
}
