package io.ctiserver.server.omni.bot;

import java.util.concurrent.CompletableFuture;

/** Answers a customer before a person does. Never blocks; may answer later (the caller puts a deadline on it). */
public interface Bot {

    String name();

    CompletableFuture<BotReply> answer(BotTurn turn);
}
