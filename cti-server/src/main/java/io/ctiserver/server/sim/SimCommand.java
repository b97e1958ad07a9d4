package io.ctiserver.server.sim;

import io.ctiserver.server.cli.CliArgs;
import io.ctiserver.server.cli.Verb;
import io.ctiserver.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/** {@code sim}: runs the PBX simulator alone, for integrators testing a CRM plugin without a PBX. */
public final class SimCommand implements Verb {
    @Override
    public String name() {
        return "sim";
    }

    @Override
    public String summary() {
        return "run the PBX simulator alone: an Asterisk stand-in speaking AMI and FastAGI";
    }

    @Override
    public String usage() {
        return """
                usage: java -jar cti-server.jar sim [--config FILE] [--ami-port 5038] [--agi-host H] [--agi-port 4573]
                                                    [--rate CALLS_PER_S] [--seed N] [--speed F] [--queue-log FILE]
                  --config     server config file; its "sim" section is used (default: the bundled demo)
                  --agi-port   0 disables the FastAGI route step (calls go to the default queue)
                  --speed      simulated seconds per wall second
                """;
    }

    @Override
    public int run(List<String> args) throws Exception {
        CliArgs a = CliArgs.parse(args, Set.of("config", "ami-port", "agi-host", "agi-port", "rate", "seed", "speed",
                "queue-log"), Set.of());
        ServerConfig sc = ServerConfig.load(a.has("config") ? Path.of(a.get("config", null)) : null);
        SimConfig c = SimConfig.from(sc);
        c = c.withAmiPort(a.getInt("ami-port", c.amiPort()))
                .withAgi(a.get("agi-host", c.agiHost()), a.getInt("agi-port", c.agiPort()), c.agiTimeoutMs())
                .withTraffic(a.getDouble("rate", c.arrivalsPerSecond()), a.getInt("seed", (int) (long) c.seed()),
                        a.getDouble("speed", c.speed()))
                .withQueueLogFile(a.get("queue-log", c.queueLogFile()));
        PbxSimulator sim = PbxSimulator.start(c);
        System.out.printf("PBX simulator: AMI on %s:%d, FastAGI to %s:%d, %.2f calls/s, speed %.1f, seed %d%n",
                c.amiBindAddress(), sim.amiPort(), c.agiHost(), c.agiPort(), c.arrivalsPerSecond(), c.speed(),
                c.seed());
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sim.stop();
            stop.countDown();
        }));
        stop.await();
        return 0;
    }
}
