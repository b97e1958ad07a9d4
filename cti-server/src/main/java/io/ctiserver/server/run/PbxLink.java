package io.ctiserver.server.run;

import io.ctiserver.server.ami.AmiClient;
import io.ctiserver.tracker.Tracker;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One PBX as the server runs it: its AMI client and the tracker that is the client's single consumer. Anything that
 * changes tracked state from outside the AMI stream (desktop data, wrap-up ticks) goes through the client's ordered
 * executor, so the tracker keeps one writer.
 */
record PbxLink(String id, AmiClient client, Tracker tracker) {

    CompletableFuture<Boolean> attachData(String callId, Map<String, String> data) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        client.pbxExecutor().execute(() -> {
            try {
                boolean attached = true;
                for (Map.Entry<String, String> e : data.entrySet()) {
                    attached &= tracker.attachData(callId, e.getKey(), e.getValue());
                }
                done.complete(attached);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    void tick(long epochMillis) {
        client.pbxExecutor().execute(() -> tracker.tick(epochMillis));
    }
}
