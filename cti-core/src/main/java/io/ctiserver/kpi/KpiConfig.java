package io.ctiserver.kpi;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.ctiserver.config.Range;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Locale;

/**
 * The {@code kpi} section of the server config, bound by Jackson; every field is optional and falls back to
 * {@link KpiSettings#defaults()}. Example:
 * <pre>{@code "kpi": {"windowMinutes": 60, "bucketSeconds": 60, "timeZone": "Europe/Paris",
 *         "serviceLevelSeconds": 20, "serviceLevelFormula": "answered_and_abandoned_after_t",
 *         "shortAbandonSeconds": 5, "repeatCallHours": 24}}</pre>
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record KpiConfig(@Range(min = 1) Integer windowMinutes, @Range(min = 1) Integer bucketSeconds, String timeZone,
                        @Range(min = 0) Integer serviceLevelSeconds, String serviceLevelFormula,
                        @Range(min = 0) Integer shortAbandonSeconds, @Range(min = 1) Integer repeatCallHours) {

    public static KpiConfig defaults() {
        return new KpiConfig(null, null, null, null, null, null, null);
    }

    /** This config with every field left out taken from {@link KpiSettings#defaults()}: what the engine uses. */
    public KpiConfig withDefaults() {
        KpiSettings d = KpiSettings.defaults();
        return new KpiConfig(
                windowMinutes != null ? windowMinutes : (int) d.window().toMinutes(),
                bucketSeconds != null ? bucketSeconds : (int) d.bucket().toSeconds(),
                timeZone != null ? timeZone : d.zone().getId(),
                serviceLevelSeconds != null ? serviceLevelSeconds : d.serviceLevelSeconds(),
                serviceLevelFormula != null ? serviceLevelFormula
                        : d.serviceLevelFormula().name().toLowerCase(Locale.ROOT),
                shortAbandonSeconds != null ? shortAbandonSeconds : d.shortAbandonSeconds(),
                repeatCallHours != null ? repeatCallHours : (int) d.repeatCallWindow().toHours());
    }

    /** The settings; a bad value fails with a message naming the field. */
    public KpiSettings toSettings() {
        KpiSettings s = KpiSettings.defaults();
        Duration window = windowMinutes == null ? s.window() : Duration.ofMinutes(windowMinutes);
        Duration bucket = bucketSeconds == null ? s.bucket() : Duration.ofSeconds(bucketSeconds);
        s = s.withWindow(window, bucket);
        if (timeZone != null) {
            try {
                s = s.withZone(ZoneId.of(timeZone));
            } catch (DateTimeException e) {
                throw new IllegalArgumentException("kpi.timeZone: unknown time zone '" + timeZone + "'", e);
            }
        }
        ServiceLevelFormula formula = s.serviceLevelFormula();
        if (serviceLevelFormula != null) {
            try {
                formula = ServiceLevelFormula.valueOf(serviceLevelFormula.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("kpi.serviceLevelFormula: '" + serviceLevelFormula
                        + "' is not one of answered_and_abandoned_after_t, offered, answered", e);
            }
        }
        s = s.withServiceLevel(serviceLevelSeconds == null ? s.serviceLevelSeconds() : serviceLevelSeconds, formula);
        if (shortAbandonSeconds != null) {
            s = s.withShortAbandonSeconds(shortAbandonSeconds);
        }
        if (repeatCallHours != null) {
            s = s.withRepeatCallWindow(Duration.ofHours(repeatCallHours));
        }
        return s;
    }
}
