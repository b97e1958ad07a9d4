package io.ctiserver.server.sim;

/** Configs for tests: ephemeral port, no generated traffic unless asked, fast clock. */
final class SimTestConfigs {
    private SimTestConfigs() {
    }

    static SimConfig quiet(double speed) {
        return SimConfig.demo().withAmiPort(0).withAgi("127.0.0.1", 0, 300).withTraffic(0, 7, speed);
    }
}
