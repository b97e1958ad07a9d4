package io.ctiserver.server.config;

import io.ctiserver.server.cli.CliArgs;
import io.ctiserver.server.cli.UsageException;
import io.ctiserver.server.cli.Verb;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** {@code config check [--config FILE]} and {@code config reference}: the start-up check alone, and the key list. */
public final class ConfigCommand implements Verb {

    @Override
    public String name() {
        return "config";
    }

    @Override
    public String summary() {
        return "check a configuration (with the CTI_* environment) or print every key with its type and default";
    }

    @Override
    public String usage() {
        return """
                usage: java -jar cti-server.jar config check [--config FILE]
                       java -jar cti-server.jar config reference

                  check      loads the config as 'run' would (the file, or $CTI_CONFIG, or the bundled demo; CTI_*
                             environment overrides; secret files) and prints 'ok' or every problem (exit status 2)
                  reference  every key, its type and default, as the tables of docs/configuration.md
                """;
    }

    @Override
    public int run(List<String> args) throws Exception {
        CliArgs a = CliArgs.parse(args, Set.of("config"), Set.of());
        String what = a.positional().isEmpty() ? "" : a.positional().get(0);
        switch (what) {
            case "check" -> {
                Path file = a.has("config") ? Path.of(a.get("config", null))
                        : io.ctiserver.server.run.RunCommand.configFile(a);
                ServerConfig.load(file); // a ConfigException exits with status 2 and the problems
                System.out.println("ok: " + (file == null ? "(bundled demo)" : file));
                return 0;
            }
            case "reference" -> {
                System.out.print(ConfigReference.markdown());
                return 0;
            }
            default -> throw new UsageException("say 'check' or 'reference'");
        }
    }
}
