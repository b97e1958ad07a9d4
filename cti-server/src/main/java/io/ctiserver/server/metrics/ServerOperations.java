package io.ctiserver.server.metrics;

/** {@link Operations} of the running server: its metrics (null when {@code metrics.enabled} is false) and checks. */
public record ServerOperations(CtiMetrics metrics, MetricsConfig config, Readiness readinessChecks)
        implements Operations {

    @Override
    public String scrape() {
        return metrics == null ? null : metrics.scrape();
    }

    @Override
    public String metricsToken() {
        return config.token();
    }

    @Override
    public Readiness.Report readiness() {
        return readinessChecks.report();
    }
}
