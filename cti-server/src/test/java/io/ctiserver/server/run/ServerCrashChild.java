package io.ctiserver.server.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctiserver.events.CallEnded;
import io.ctiserver.server.storage.journal.StorageWriter;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The server {@link DatabaseFaultsUnderTrafficTest} kills with SIGKILL: the whole server (its own simulator at 10 calls
 * a second, the AMI link, the tracker, storage on H2 in the folder given as the only argument) in this JVM. It prints
 * {@code DURABLE callId} for each call record once the record is in the journal (fsync'd), and runs until killed.
 *
 * <p>How it knows: the server's storage listener offers the record on the tracker's thread before this class's
 * listener (added later) sees the same {@code CallEnded}; the writer's {@link StorageWriter#accepted()} read then counts
 * that row, and once {@link StorageWriter#durable()} reaches that count the row is in the journal. Only the tracker's
 * thread offers rows here (no FastAGI step, no desktop), so the rows are journaled in the order they were counted.
 */
public final class ServerCrashChild {

    static final String DURABLE = "DURABLE ";

    private record Pending(String callId, long accepted) {
    }

    /** Points the config's storage at an H2 database and journal in {@code dir}. */
    static void storeIn(ObjectNode root, Path dir) {
        root.withObject("/storage").put("url", "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath())
                .put("user", "sa").put("password", "").put("journalDir", dir.resolve("journal").toString());
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        // Never outlive the test: exit when the parent goes away (stdin ends) or after two minutes whatever happens.
        Thread orphan = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent writes nothing
                }
            } catch (java.io.IOException ignored) {
                // the parent is gone
            }
            Runtime.getRuntime().halt(3);
        }, "parent-watch");
        orphan.setDaemon(true);
        orphan.start();
        Thread limit = new Thread(() -> {
            try {
                Thread.sleep(120_000);
            } catch (InterruptedException ignored) {
                // exit anyway
            }
            Runtime.getRuntime().halt(4);
        }, "time-limit");
        limit.setDaemon(true);
        limit.start();
        PbxFaultsUnderTrafficTest.Rig r = PbxFaultsUnderTrafficTest.rig(10.0, 5000, root -> storeIn(root, dir));
        StorageWriter writer = r.server().storage().writer();
        ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
        r.server().tracker(CtiServer.DEMO_PBX).addListener(e -> {
            if (e instanceof CallEnded end) {
                pending.add(new Pending(end.record().callId(), writer.accepted()));
            }
        });
        while (true) {
            Pending p;
            while ((p = pending.peek()) != null && p.accepted() <= writer.durable()) {
                pending.poll();
                System.out.println(DURABLE + p.callId());
            }
            System.out.flush();
            Thread.sleep(5);
        }
    }
}
