package io.ctiserver.server.omni.email;

import java.util.concurrent.CompletableFuture;

/** Sends replies (SMTP in production); completes with the Message-ID it gave the reply, or fails. Never blocks. */
@FunctionalInterface
public interface EmailOutbox {

    CompletableFuture<String> send(EmailReply reply);

    EmailOutbox NONE = r -> CompletableFuture.failedFuture(new IllegalStateException("no email channel configured"));
}
