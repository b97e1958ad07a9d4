package io.ctiserver.server.fuzz;

import static io.ctiserver.server.fuzz.FuzzTargets.ascii;

import io.ctiserver.kpi.KpiConfig;
import io.ctiserver.routing.RoutingConfig;
import io.ctiserver.server.agi.AgiConfig;
import io.ctiserver.server.ami.AmiClientConfig;
import io.ctiserver.server.config.ServerConfig;
import io.ctiserver.server.gateway.GatewayConfig;
import io.ctiserver.server.gateway.auth.PasswordHash;
import io.ctiserver.server.gateway.auth.UserConfig;
import io.ctiserver.server.sim.SimConfig;
import io.ctiserver.server.wrapup.WrapUpConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.util.List;
import java.util.function.Supplier;

/**
 * Any config file: every section the server binds either binds, or is refused with a clear error
 * (IllegalArgumentException, a JSON error, a time-zone error); never a NullPointerException or the like.
 */
final class ConfigTarget implements FuzzTarget {
    @Override
    public String name() {
        return "config";
    }

    @Override
    public List<byte[]> seeds() {
        try (var in = ServerConfig.class.getResourceAsStream(ServerConfig.DEMO_RESOURCE)) {
            return List.of(in.readAllBytes(),
                    ascii("{\"pbx\":{\"servers\":[{\"id\":\"a\",\"host\":\"h\",\"username\":\"u\",\"secret\":\"s\","
                            + "\"tls\":true,\"port\":5039,\"pingIntervalMs\":100,\"queueCapacity\":2}]}}"),
                    ascii("{\"agi\":{\"port\":0,\"envTimeoutMillis\":5,\"maxLineLength\":10},\"kpi\":{\"timeZone\":"
                            + "\"Europe/Paris\",\"windowMinutes\":15}}"),
                    ascii("{\"gateway\":{\"tls\":{\"certFile\":\"c\",\"keyFile\":\"k\"},\"users\":[{\"username\":\"a"
                            + "\",\"role\":\"agent\",\"password\":\"pbkdf2$1$AA$AA\",\"queues\":[\"q\"]}]}}"),
                    ascii("{\"sim\":{\"queues\":[{\"name\":\"q\",\"strategy\":\"ringall\",\"members\":[{\"iface\":"
                            + "\"PJSIP/1\"}]}],\"speed\":2.5}}"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void run(byte[] in) {
        ServerConfig config;
        try {
            config = ServerConfig.of(ServerConfig.mapper().readTree(in));
        } catch (IOException e) {
            return; // not JSON: refused by the loader with the parser's message
        }
        bind(() -> config.section("pbx", AmiClientConfig.class, AmiClientConfig.none()));
        bind(() -> config.section("agi", AgiConfig.class, AgiConfig.defaults()));
        bind(() -> config.section("routing", RoutingConfig.class, RoutingConfig.defaults()));
        bind(() -> config.section("kpi", KpiConfig.class, KpiConfig.defaults()).toSettings());
        bind(() -> SimConfig.from(config));
        bind(() -> config.section(WrapUpConfig.SECTION, WrapUpConfig.class, WrapUpConfig.off()).secondsFor("q"));
        bind(() -> {
            GatewayConfig g = config.section("gateway", GatewayConfig.class, GatewayConfig.defaults());
            for (UserConfig u : g.users()) {
                PasswordHash.isWellFormed(u.password());
            }
            return g;
        });
    }

    private static void bind(Supplier<Object> s) {
        try {
            s.get();
        } catch (IllegalArgumentException | DateTimeException | UncheckedIOException e) {
            // a clear refusal
        }
    }
}
