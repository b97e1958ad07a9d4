package io.ctiserver.ami;

import java.util.concurrent.CompletableFuture;

/**
 * Sends AMI actions to one PBX. Implemented by the AMI client; used by the state tracker (resync) and the command
 * handlers (call control), which therefore never see a socket.
 *
 * <p>The sender assigns a fresh ActionID (any ActionID in {@code action} is replaced). The future completes with the
 * response (and, for event-list actions, the collected events), or exceptionally with {@link AmiActionException} on
 * a timeout or when the link is down. It never completes on an event-loop thread that the caller must not block.
 */
public interface AmiActionSender {

    CompletableFuture<AmiResponse> send(AmiMessage action);
}
