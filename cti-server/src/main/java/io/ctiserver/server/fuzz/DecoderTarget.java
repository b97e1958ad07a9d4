package io.ctiserver.server.fuzz;

import static io.ctiserver.server.fuzz.FuzzTarget.check;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A stream decoder fed the same bytes whole and cut: both must give the same messages, the end of input included
 * (what the decoder says when the connection closes inside a message), and {@link #render} checks each message
 * against the decoder's limits.
 *
 * <p>One {@link EmbeddedChannel} serves every decode; each decode gets a fresh decoder, added for it and removed
 * after it, so no state crosses from one input (or one way of cutting it) to the next. Building a channel per decode
 * cost a third of the run's time.
 */
abstract class DecoderTarget implements FuzzTarget {

    private final EmbeddedChannel channel = new EmbeddedChannel();

    /** A decoder in its initial state. */
    abstract ChannelHandler newDecoder();

    /** One decoded object as text to compare, after checking it against the limits; a Finding if it breaks one. */
    abstract String render(Object decoded);

    @Override
    public void run(byte[] in) {
        run(in, cuts(in));
    }

    /** The same bytes whole and cut at each of {@code cuts} decode to the same messages. */
    public void run(byte[] in, List<int[]> cuts) {
        List<String> whole = decode(in);
        for (int[] at : cuts) {
            List<String> cut = decode(in, at);
            check(whole.equals(cut), "cut at " + Arrays.toString(at) + " decodes differently:\n  whole " + whole
                    + "\n  cut   " + cut);
        }
    }

    /** What a fresh decoder makes of {@code in} delivered in reads that end at each of {@code cutAt}, then closed. */
    public List<String> decode(byte[] in, int... cutAt) {
        ChannelHandler decoder = newDecoder();
        channel.pipeline().addLast(decoder);
        List<String> out = new ArrayList<>();
        try {
            int from = 0;
            for (int to : cutAt) {
                feed(Arrays.copyOfRange(in, from, to), out);
                from = to;
            }
            feed(from == 0 ? in : Arrays.copyOfRange(in, from, in.length), out);
            // The connection closes: the decoder reports what it holds of an unfinished message.
            channel.pipeline().fireChannelInactive();
            channel.checkException();
            drain(out);
        } finally {
            channel.pipeline().remove(decoder);
            channel.releaseInbound();
        }
        return out;
    }

    private void feed(byte[] read, List<String> out) {
        channel.writeInbound(Unpooled.wrappedBuffer(read));
        drain(out);
    }

    private void drain(List<String> out) {
        for (Object o; (o = channel.readInbound()) != null; ) {
            try {
                out.add(render(o));
            } finally {
                ReferenceCountUtil.release(o);
            }
        }
    }

    /**
     * Where to cut: every position of an input up to 32 bytes, else three pairs of positions from its hash. (Each
     * cut is a decoder of its own; {@link #everyCut} cuts a seed at every position.)
     */
    static List<int[]> cuts(byte[] in) {
        return in.length <= 32 ? everyCut(in) : hashedCuts(in);
    }

    /** Every single cut position of {@code in}. */
    public static List<int[]> everyCut(byte[] in) {
        List<int[]> out = new ArrayList<>();
        for (int i = 1; i < in.length; i++) {
            out.add(new int[] {i});
        }
        return out;
    }

    private static List<int[]> hashedCuts(byte[] in) {
        List<int[]> out = new ArrayList<>();
        int h = Arrays.hashCode(in);
        for (int k = 0; k < 3; k++) {
            h = h * 31 + k;
            int a = Math.floorMod(h, in.length);
            int b = Math.floorMod(h >>> 7, in.length);
            out.add(new int[] {Math.min(a, b), Math.max(a, b)});
        }
        return out;
    }
}
