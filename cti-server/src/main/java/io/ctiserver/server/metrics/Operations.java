package io.ctiserver.server.metrics;

/** What the gateway's HTTP port serves for operators: {@code /metrics} and {@code /api/ready}. */
public interface Operations {

    /** The Prometheus text exposition, or null when metrics are off. */
    String scrape();

    /** A bearer token that {@code /metrics} requires, or null when it is open (a scrape on a private network). */
    String metricsToken();

    Readiness.Report readiness();

    /** No metrics; always ready (a gateway run alone, in tests). */
    Operations NONE = new Operations() {
        @Override
        public String scrape() {
            return null;
        }

        @Override
        public String metricsToken() {
            return null;
        }

        @Override
        public Readiness.Report readiness() {
            return new Readiness.Report(true, java.util.Map.of());
        }
    };
}
