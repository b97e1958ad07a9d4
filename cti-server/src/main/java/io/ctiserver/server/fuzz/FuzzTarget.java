package io.ctiserver.server.fuzz;

import java.util.List;

/**
 * One parser or validator under fuzzing. {@link #run} takes any bytes; it returns normally when the code under test
 * handled them as documented (a message, a clear refusal), and throws when it did not: an uncaught exception, a
 * limit not kept, two ways of feeding the same bytes that disagree. The thrown error is the finding.
 */
public interface FuzzTarget {

    String name();

    /** Valid inputs to start mutating from. */
    List<byte[]> seeds();

    void run(byte[] input) throws Exception;

    /** A finding: what broke, for which input. */
    final class Finding extends AssertionError {
        public Finding(String message) {
            super(message);
        }
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            throw new Finding(what);
        }
    }
}
