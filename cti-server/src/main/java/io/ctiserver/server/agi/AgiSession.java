package io.ctiserver.server.agi;

import io.ctiserver.server.agi.AgiException.Kind;
import io.ctiserver.server.agi.codec.AgiCommand;
import io.ctiserver.server.agi.codec.AgiReply;
import io.ctiserver.server.agi.codec.AgiRequest;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One FastAGI dialog, as a script sees it: the request, and asynchronous commands. Commands go one at a time, in the
 * order sent (res_agi reads the next command only after answering one, and pipelined lines can sit unread in its
 * stdio buffer); each gets a timeout. Safe to call from any thread: the work hops onto the connection's event loop,
 * which alone owns the state below.
 */
public final class AgiSession {

    private record Pending(AgiCommand command, CompletableFuture<AgiReply> reply) {
    }

    private final Channel channel;
    private final AgiRequest request;
    private final long commandTimeoutMillis;
    private final int maxQueued;
    private final boolean batchVariables;
    private final ArrayDeque<Pending> queued = new ArrayDeque<>();
    private Pending inFlight;
    private long inFlightDeadline;
    /** One timer per session, re-armed when it fires early: cheaper than a timer per command. */
    private ScheduledFuture<?> timer;
    private volatile Kind ended;

    AgiSession(Channel channel, AgiRequest request, long commandTimeoutMillis, int maxQueued,
               boolean batchVariables) {
        this.channel = channel;
        this.request = request;
        this.commandTimeoutMillis = commandTimeoutMillis;
        this.maxQueued = maxQueued;
        this.batchVariables = batchVariables;
    }

    public AgiRequest request() {
        return request;
    }

    /** Sends one command; the future completes with Asterisk's reply (any code) or fails with {@link AgiException}. */
    public CompletableFuture<AgiReply> send(AgiCommand command) {
        CompletableFuture<AgiReply> reply = new CompletableFuture<>();
        if (channel.eventLoop().inEventLoop()) {
            enqueue(new Pending(command, reply));
        } else {
            channel.eventLoop().execute(() -> enqueue(new Pending(command, reply)));
        }
        return reply;
    }

    /** {@code GET VARIABLE}: the value, or empty when the variable is not set. */
    public CompletableFuture<Optional<String>> getVariable(String name) {
        return send(AgiCommand.getVariable(name)).thenApply(r -> {
            require(r, "GET VARIABLE " + name);
            return r.resultInt(0) == 1 ? Optional.of(r.data() == null ? "" : r.data()) : Optional.empty();
        });
    }

    /** {@code SET VARIABLE}. */
    public CompletableFuture<Void> setVariable(String name, String value) {
        return send(AgiCommand.setVariable(name, value)).thenAccept(r -> require(r, "SET VARIABLE " + name));
    }

    /**
     * Reads several variables: one {@code GET FULL VARIABLE} when batching is on and the names allow it (see
     * {@link VariableBatch}), else one {@code GET VARIABLE} each. Completes with name to value, in the order asked;
     * an unset variable is absent, or (batched) empty.
     */
    public CompletableFuture<Map<String, String>> getVariables(List<String> names) {
        Optional<AgiCommand> batch = batchVariables ? VariableBatch.read(names) : Optional.empty();
        if (batch.isEmpty()) {
            return getEach(names);
        }
        return send(batch.get()).thenCompose(r -> {
            require(r, "GET FULL VARIABLE");
            Optional<Map<String, String>> values = r.resultInt(0) == 1 ? VariableBatch.parse(names, r.data())
                    : Optional.empty();
            // A reply that does not split exactly (an odd channel driver, a truncated line) costs round trips, not
            // correctness.
            return values.<CompletableFuture<Map<String, String>>>map(CompletableFuture::completedFuture)
                    .orElseGet(() -> getEach(names));
        });
    }

    private CompletableFuture<Map<String, String>> getEach(List<String> names) {
        Map<String, String> values = new LinkedHashMap<>();
        CompletableFuture<?> chain = CompletableFuture.completedFuture(null);
        for (String name : names) {
            chain = chain.thenCompose(x -> getVariable(name)).thenAccept(v -> v.ifPresent(s -> values.put(name, s)));
        }
        return chain.thenApply(x -> values);
    }

    /**
     * Sets several variables, in order: one {@code EXEC MSet} when batching is on and the values fit one line (see
     * {@link VariableBatch}), else one {@code SET VARIABLE} each.
     */
    public CompletableFuture<Void> setVariables(Map<String, String> variables) {
        Optional<AgiCommand> batch = batchVariables ? VariableBatch.mset(variables) : Optional.empty();
        if (batch.isPresent()) {
            return send(batch.get()).thenAccept(r -> {
                require(r, "EXEC MSet");
                if (r.resultInt(0) != 0) {
                    throw new AgiException(Kind.REJECTED, "EXEC MSet failed: " + r);
                }
            });
        }
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (Map.Entry<String, String> v : variables.entrySet()) {
            chain = chain.thenCompose(x -> setVariable(v.getKey(), v.getValue()));
        }
        return chain;
    }

    public CompletableFuture<Void> verbose(String message, int level) {
        return send(AgiCommand.verbose(message, level)).thenAccept(r -> require(r, "VERBOSE"));
    }

    /**
     * {@code GET DATA}: plays {@code file} and collects up to {@code maxDigits} DTMF digits. Completes with the digits
     * (empty when the caller pressed nothing); fails when Asterisk reports an error or a hangup ({@code result=-1}).
     */
    public CompletableFuture<String> getData(String file, long timeoutMillis, int maxDigits) {
        return send(AgiCommand.getData(file, timeoutMillis, maxDigits)).thenApply(r -> {
            require(r, "GET DATA");
            if ("-1".equals(r.result())) {
                throw new AgiException(Kind.REJECTED, "GET DATA failed (result=-1: hangup or error)");
            }
            return r.result() == null ? "" : r.result();
        });
    }

    /** {@code WAIT FOR DIGIT}: the digit pressed, or empty on timeout. */
    public CompletableFuture<Optional<Character>> waitForDigit(long timeoutMillis) {
        return send(AgiCommand.waitForDigit(timeoutMillis)).thenApply(r -> {
            require(r, "WAIT FOR DIGIT");
            int code = r.resultInt(-1);
            if (code < 0) {
                throw new AgiException(Kind.REJECTED, "WAIT FOR DIGIT failed (result=" + r.result() + ")");
            }
            return code == 0 ? Optional.empty() : Optional.of((char) code);
        });
    }

    /** True once Asterisk said HANGUP or the connection closed. */
    public boolean ended() {
        return ended != null;
    }

    /** Ends the dialog: flushes what was written and closes; Asterisk then continues the dialplan. */
    public void close() {
        channel.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    private static void require(AgiReply r, String what) {
        if (!r.ok()) {
            throw new AgiException(Kind.REJECTED, what + ": " + r);
        }
    }

    // ---- event-loop side, called by AgiSessionHandler ----

    private void enqueue(Pending p) {
        if (ended != null) {
            p.reply.completeExceptionally(new AgiException(ended, "session ended (" + ended + "); not sent: "
                    + p.command.line()));
            return;
        }
        if (queued.size() >= maxQueued) {
            p.reply.completeExceptionally(new AgiException(Kind.PROTOCOL, "more than " + maxQueued
                    + " commands queued"));
            return;
        }
        queued.add(p);
        pump();
    }

    private void pump() {
        if (inFlight != null || queued.isEmpty() || ended != null) {
            return;
        }
        Pending p = queued.poll();
        inFlight = p;
        inFlightDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(commandTimeoutMillis);
        if (timer == null) {
            timer = channel.eventLoop().schedule(this::checkTimeout, commandTimeoutMillis, TimeUnit.MILLISECONDS);
        }
        channel.writeAndFlush(p.command);
    }

    private void checkTimeout() {
        timer = null;
        if (inFlight == null || ended != null) {
            return;
        }
        long left = inFlightDeadline - System.nanoTime();
        if (left > 0) {
            timer = channel.eventLoop().schedule(this::checkTimeout, left, TimeUnit.NANOSECONDS);
            return;
        }
        // After a timeout a late reply would answer the wrong command: the dialog cannot go on.
        end(Kind.TIMEOUT, "no reply to '" + inFlight.command.line() + "' within " + commandTimeoutMillis + " ms");
        channel.close();
    }

    void onReply(AgiReply reply) {
        Pending p = inFlight;
        if (p == null) {
            return; // a late reply to a timed-out command: the session is already ending
        }
        inFlight = null;
        p.reply.complete(reply);
        pump();
    }

    void onProtocolError(String reason) {
        Pending p = inFlight;
        if (p != null) {
            inFlight = null;
            p.reply.completeExceptionally(new AgiException(Kind.PROTOCOL, reason + " (answering "
                    + p.command.line() + ")"));
            pump();
        }
    }

    void end(Kind kind, String why) {
        if (ended == null) {
            ended = kind;
        }
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        if (inFlight != null) {
            inFlight.reply.completeExceptionally(new AgiException(kind, why));
            inFlight = null;
        }
        Pending p;
        while ((p = queued.poll()) != null) {
            p.reply.completeExceptionally(new AgiException(kind, why));
        }
    }
}
