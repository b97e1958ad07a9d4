package io.ctiserver.server;

import io.ctiserver.server.bench.BenchCommand;
import io.ctiserver.server.cli.UsageException;
import io.ctiserver.server.config.ConfigCommand;
import io.ctiserver.server.config.ConfigException;
import io.ctiserver.server.cli.Verb;
import io.ctiserver.server.replay.ReplayCommand;
import io.ctiserver.server.run.RunCommand;
import io.ctiserver.server.sim.SimCommand;
import io.ctiserver.server.agi.RouteCommand;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/** Entry point of {@code cti-server.jar}: picks a verb ({@code run} by default) and runs it. */
public final class Main {

    private static final List<Verb> VERBS = List.of(
            new RunCommand(),
            new SimCommand(),
            new ReplayCommand(),
            new RouteCommand(),
            new ConfigCommand(),
            new BenchCommand());

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(execute(Arrays.asList(args), System.out, System.err));
    }

    /** Runs a command line and returns the exit status instead of exiting (tests use this). */
    public static int execute(List<String> args, PrintStream out, PrintStream err) {
        if (!args.isEmpty() && (args.get(0).equals("--version") || args.get(0).equals("-V"))) {
            out.println("cti-server " + version());
            return 0;
        }
        if (!args.isEmpty() && (args.get(0).equals("--help") || args.get(0).equals("-h") || args.get(0).equals("help"))) {
            out.print(help());
            return 0;
        }
        Verb verb = VERBS.get(0);
        List<String> rest = args;
        if (!args.isEmpty() && !args.get(0).startsWith("-")) {
            verb = find(args.get(0));
            if (verb == null) {
                err.println("cti-server: unknown command '" + args.get(0) + "'");
                err.print(help());
                return 2;
            }
            rest = args.subList(1, args.size());
        }
        if (rest.contains("--help") || rest.contains("-h")) {
            out.print(verb.usage());
            return 0;
        }
        try {
            return verb.run(rest);
        } catch (ConfigException e) {
            err.println("cti-server " + verb.name() + ": " + e.getMessage());
            return 2;
        } catch (UsageException e) {
            err.println("cti-server " + verb.name() + ": " + e.getMessage());
            err.print(verb.usage());
            return 2;
        } catch (Exception e) {
            err.println("cti-server " + verb.name() + ": " + e);
            return 1;
        }
    }

    /** The jar's Implementation-Version (set by the build), or a note when run from classes. */
    public static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "(development build, not run from the jar)" : v;
    }

    private static Verb find(String name) {
        for (Verb v : VERBS) {
            if (v.name().equals(name)) {
                return v;
            }
        }
        return null;
    }

    static String help() {
        StringBuilder sb = new StringBuilder();
        sb.append("CTI server for Asterisk\n\n");
        sb.append("usage: java -jar cti-server.jar [COMMAND] [FLAGS]\n\ncommands:\n");
        for (Verb v : VERBS) {
            sb.append(String.format("  %-8s %s%n", v.name(), v.summary()));
        }
        sb.append("\n'COMMAND --help' shows a command's flags. Without a command, 'run' starts. "
                + "'--version' prints the version.\n");
        return sb.toString();
    }
}
