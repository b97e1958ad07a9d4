package io.ctiserver.kpi;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
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
public record KpiConfig(Integer windowMinutes, Integer bucketSeconds, String timeZone, Integer serviceLevelSeconds,
                        String serviceLevelFormula, Integer shortAbandonSeconds, Integer repeatCallHours) {

    public static KpiConfig defaults() {
        return new KpiConfig(null, null, null, null, null, null, null);
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
