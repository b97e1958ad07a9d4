package io.ctiserver.server.config;

import io.ctiserver.kpi.KpiConfig;
import io.ctiserver.routing.RoutingConfig;
import io.ctiserver.server.agi.AgiConfig;
import io.ctiserver.server.ami.AmiClientConfig;
import io.ctiserver.server.gateway.GatewayConfig;
import io.ctiserver.server.gateway.commands.phone.PhonesConfig;
import io.ctiserver.server.metrics.MetricsConfig;
import io.ctiserver.server.omni.OmniConfig;
import io.ctiserver.server.sim.SimConfig;
import io.ctiserver.server.storage.StorageConfig;
import io.ctiserver.server.webhooks.WebhooksConfig;
import io.ctiserver.server.wrapup.WrapUpConfig;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Every section the configuration may have, and the record its feature binds it to. The start-up check
 * ({@link ConfigValidator}), the environment overrides ({@link EnvOverrides}) and the reference in
 * {@code docs/configuration.md} ({@link ConfigReference}) all work from this list, so a new feature's section plugs
 * in with one line here (and its rows in the reference, which {@code ConfigReferenceTest} then asks for).
 */
public final class ConfigSections {

    /**
     * One section.
     *
     * @param name      the key in the file ({@code gateway})
     * @param type      the record the feature binds the section to
     * @param effective what the feature makes of a bound section, for features that fill in defaults outside the
     *                  record's constructor (the reference shows these as the defaults)
     */
    public record Section<T>(String name, Class<T> type, UnaryOperator<T> effective) {

        public static <T> Section<T> of(String name, Class<T> type) {
            return new Section<>(name, type, UnaryOperator.identity());
        }

        @SuppressWarnings("unchecked")
        Object effectiveOf(Object bound) {
            return effective.apply((T) bound);
        }
    }

    public static final List<Section<?>> ALL = List.of(
            Section.of(AmiClientConfig.SECTION, AmiClientConfig.class),
            new Section<>("sim", SimConfig.class, SimConfig::withDefaults),
            Section.of("agi", AgiConfig.class),
            Section.of("routing", RoutingConfig.class),
            new Section<>("kpi", KpiConfig.class, KpiConfig::withDefaults),
            Section.of("gateway", GatewayConfig.class),
            Section.of("phones", PhonesConfig.class),
            Section.of(WrapUpConfig.SECTION, WrapUpConfig.class),
            Section.of("omni", OmniConfig.class),
            new Section<>("storage", StorageConfig.class, StorageConfig::withDefaults),
            Section.of("metrics", MetricsConfig.class),
            Section.of("webhooks", WebhooksConfig.class));

    /** Checks across sections, run once every section binds. */
    static final List<ConfigCheck> CHECKS = List.of(new GatewayUsersCheck(), new AgentsInQueuesCheck());

    private ConfigSections() {
    }

    public static Optional<Section<?>> find(String name) {
        return ALL.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public static List<String> names() {
        return ALL.stream().map(Section::name).toList();
    }
}
