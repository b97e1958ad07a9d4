package io.ctiserver.server.gateway;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Where desktop-attached key-value data goes: the wiring implements it with the state tracker's attachData, so that the
 * data lands in {@code CallView.data}, travels with transfers and shows in the next pop.
 */
@FunctionalInterface
public interface CallDataSink {

    /** Completes with true once attached, false when the PBX has no such live call. Must not block the caller. */
    CompletableFuture<Boolean> attach(String pbx, String callId, Map<String, String> data);

    /** A sink that refuses everything (no tracker wired). */
    CallDataSink NONE = (pbx, callId, data) -> CompletableFuture.completedFuture(false);
}
