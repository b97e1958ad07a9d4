package io.ctiserver.server.gateway.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * One event's JSON body as every desktop that receives it shares it: the bytes (held by the resume buffers) and, from
 * the first desktop it is written to, one copy in direct memory of the body without its opening brace. Each desktop's
 * frame is a slice of that copy behind its own few bytes of frame header and {@code {"seq":N,} prefix, so an event to
 * 1,000 desktops is copied to direct memory once, not 1,000 times, and desktops that fall behind hold slices of one
 * copy rather than a copy each.
 *
 * <p>Made, sliced and released by one thread (the fan-out's, or the caller of {@link DesktopSession#deliver(byte[],
 * long)}); each slice is released by Netty once written, or by the {@link Outbox} if it is never written.
 */
public final class SharedBody {

    private final byte[] json;
    private final long enteredNanos;
    private ByteBuf tail;

    /** {@code json} is a serialised JSON object: its first byte is '{'. */
    public SharedBody(byte[] json) {
        this(json, System.nanoTime());
    }

    /** As above, for an event that entered the gateway at {@code enteredNanos} ({@code System.nanoTime()}). */
    public SharedBody(byte[] json, long enteredNanos) {
        if (json.length < 2 || json[0] != '{') {
            throw new IllegalArgumentException("an event body is a JSON object");
        }
        this.json = json;
        this.enteredNanos = enteredNanos;
    }

    public byte[] json() {
        return json;
    }

    /** When the event entered the gateway (its fan-out's inbox): where a {@link WriteProbe} measures from. */
    public long enteredNanos() {
        return enteredNanos;
    }

    /** The body after its '{', as a slice with a reference of its own. */
    ByteBuf retainedTail() {
        if (tail == null) {
            tail = ByteBufAllocator.DEFAULT.directBuffer(json.length - 1, json.length - 1);
            tail.writeBytes(json, 1, json.length - 1);
        }
        return tail.retainedSlice();
    }

    /** Drops this thread's reference: the copy is freed once every slice is written. */
    public void release() {
        if (tail != null) {
            tail.release();
            tail = null;
        }
    }
}
