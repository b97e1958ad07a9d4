package io.ctiserver.server.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;

/**
 * One gauge per key of a set known only at run time (queues, users): before each scrape {@link #update} gives the
 * current values; a key seen for the first time gets its gauge, a key that is gone loses it. The key set is bounded by
 * the configuration (queues of the PBX, users of the gateway), never by traffic.
 */
final class KeyedGauges {

    private final MeterRegistry registry;
    private final String name;
    private final String tag;
    private final String description;
    private final String unit;
    private final Map<String, Gauge> gauges = new HashMap<>();
    private volatile Map<String, Double> values = Map.of();

    KeyedGauges(MeterRegistry registry, String name, String tag, String description, String unit) {
        this.registry = registry;
        this.name = name;
        this.tag = tag;
        this.description = description;
        this.unit = unit;
    }

    /** Called under the scrape lock of {@link CtiMetrics}, one caller at a time. */
    void update(Map<String, Double> current) {
        values = Map.copyOf(current);
        for (String key : current.keySet()) {
            gauges.computeIfAbsent(key, k -> Gauge.builder(name, this, g -> g.values.getOrDefault(k, Double.NaN))
                    .tag(tag, k).description(description).baseUnit(unit).register(registry));
        }
        gauges.entrySet().removeIf(e -> {
            if (current.containsKey(e.getKey())) {
                return false;
            }
            registry.remove(e.getValue());
            return true;
        });
    }
}
