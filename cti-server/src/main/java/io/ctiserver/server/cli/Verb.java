package io.ctiserver.server.cli;

import java.util.List;

/** One verb of the command line: {@code run}, {@code sim}, {@code replay}, {@code bench}, ... */
public interface Verb {

    String name();

    /** One line for {@code --help}. */
    String summary();

    /** The verb's own usage text, printed by {@code VERB --help} and with a usage error. */
    String usage();

    /** Runs the verb; returns the process exit status. Throws {@link UsageException} for a bad command line. */
    int run(List<String> args) throws Exception;
}
