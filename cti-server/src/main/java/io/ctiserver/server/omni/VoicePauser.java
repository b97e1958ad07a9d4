package io.ctiserver.server.omni;

/**
 * Pauses or unpauses an agent's membership in Asterisk's queues while chats fill them ({@code QueuePause} with
 * reason {@code busy:chat}). Never blocks.
 */
@FunctionalInterface
public interface VoicePauser {

    void pause(String agent, boolean paused, String reason);

    VoicePauser NONE = (agent, paused, reason) -> { };
}
