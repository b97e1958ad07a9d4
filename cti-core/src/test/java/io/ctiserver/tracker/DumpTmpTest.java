package io.ctiserver.tracker;

import org.junit.jupiter.api.Test;

class DumpTmpTest {
    @Test
    void dump() throws Exception {
        for (String n : System.getProperty("dump.names", "").split(",")) {
            if (n.isEmpty()) continue;
            ReplayHarness h = ReplayHarness.capture(n);
            java.nio.file.Files.writeString(java.nio.file.Path.of("/tmp/cc/" + n + ".out"), h.dump());
        }
    }
}
