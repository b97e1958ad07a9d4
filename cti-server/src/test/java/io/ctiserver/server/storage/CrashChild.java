package io.ctiserver.server.storage;

import io.ctiserver.server.storage.testing.Rows;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The process {@link CrashRecoveryTest} kills: offers {@code n} call rows, waits until the writer says they are in
 * the journal, prints {@code DURABLE n}, then keeps offering rows until it is killed (so the kill may well land in
 * the middle of a journal write). Arguments: url user password journalDir n.
 */
public final class CrashChild {

    public static void main(String[] args) throws Exception {
        String password = args[2].equals("-") ? null : args[2];
        int n = Integer.parseInt(args[4]);
        Storage s = Storage.start(StorageConfig.of(args[0], args[1], password, Path.of(args[3])));
        Instant t0 = Instant.parse("2026-11-23T10:00:00Z");
        for (int i = 0; i < n; i++) {
            s.offer(Rows.call("crash-" + i, "555" + i, "support", "PJSIP/a1", "answered", 2, 30,
                    t0.plusSeconds(i)));
        }
        while (s.writer().durable() < n) {
            Thread.sleep(1);
        }
        System.out.println("DURABLE " + n);
        System.out.flush();
        for (long i = n; ; i++) {
            s.offer(Rows.call("more-" + i, "555" + i, "support", "PJSIP/a1", "answered", 2, 30, t0.plusSeconds(i)));
            if (i % 10 == 0) {
                Thread.sleep(1); // about 10,000 rows a second: busy, and a backlog the restart replays quickly
            }
        }
    }
}
