package io.ctiserver.server.fuzz;

import static io.ctiserver.server.fuzz.FuzzTarget.check;
import static io.ctiserver.server.fuzz.FuzzTargets.ascii;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.server.gateway.Json;
import io.ctiserver.server.gateway.http.GatewayInitializer;
import io.ctiserver.server.gateway.http.GatewayServices;
import io.ctiserver.server.gateway.http.WebSocketHandler;
import io.ctiserver.server.gateway.session.DesktopSession;
import io.ctiserver.server.gateway.session.SessionRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler.HandshakeComplete;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The desktop's WebSocket message envelope ({@code type}, {@code auth} with {@code session} and {@code lastSeq} to
 * resume, {@code subscribe}, {@code ping}, {@code command}) through {@link WebSocketHandler} in an
 * {@link EmbeddedChannel}, after the upgrade (the frame codec is Netty's).
 *
 * <p>An input is a conversation: frames separated by NUL bytes. In a frame, {@code $T} and {@code $U} stand for a
 * valid token of the admin and of an agent, {@code $S} for the session id of the last welcome, {@code $Q} for the
 * last seq received, so that mutations reach authentication and resume. An empty frame ends the connection and
 * opens the next one (the same gateway); a first frame starting {@code /ws} is that connection's upgrade URI
 * ({@code ?token=&session=&lastSeq=}); a frame starting with byte 1 is sent as a binary frame; a frame that is byte 2
 * alone delivers an event to every session (something to replay on resume).
 *
 * <p>Oracle: every frame of an open connection is answered (a {@code welcome}, {@code pong}, {@code result}, an
 * {@code error}, an event) or the connection is closed with a close frame; every answer is a JSON object with a
 * {@code type}; no error is {@code internal}; the connection is never closed without a close frame (what an
 * exception in the handler does); sessions, subscriptions, resume buffers and outbound queues stay within their
 * limits; closing the connection leaves no connection registered. Each input starts with no session.
 */
final class WebSocketTarget implements FuzzTarget {

    private static final int MAX_FRAMES = 64;

    private final FuzzGateway gateway = FuzzGateway.create();
    private final GatewayServices services = gateway.services();

    @Override
    public String name() {
        return "websocket";
    }

    @Override
    public List<byte[]> seeds() {
        return List.of(
                ascii("{\"type\":\"auth\",\"token\":\"$T\",\"id\":\"1\"}\0{\"type\":\"ping\"}\0"
                        + "{\"type\":\"subscribe\",\"queues\":[\"sales\",\"support\"],\"id\":\"2\"}\0"
                        + "{\"type\":\"command\",\"id\":\"3\",\"command\":\"hold\",\"callId\":\"c1\"}"),
                ascii("{\"type\":\"auth\",\"token\":\"$U\"}\0\2\0\2\0\0"
                        + "{\"type\":\"auth\",\"token\":\"$U\",\"session\":\"$S\",\"lastSeq\":1}\0{\"type\":\"ping\"}"),
                ascii("/ws?token=$T\0\2\0\0/ws?token=$T&session=$S&lastSeq=$Q\0"
                        + "{\"type\":\"unsubscribe\",\"queues\":[\"support\"]}\0{\"type\":\"auth\",\"token\":\"$T\"}"),
                ascii("{\"type\":\"command\",\"id\":\"9\"}\0{\"type\":\"auth\",\"token\":\"bad\"}\0{\"type\":\"ping\"}"),
                ascii("{\"type\":\"auth\",\"token\":\"$T\"}\0{\"type\":\"subscribe\",\"presence\":true,\"id\":7}\0"
                        + "{\"type\":\"unsubscribe\",\"presence\":true}\0{\"type\":\"x\u0001\"}\0\1{}\0[1]\0{\"type\":3}"));
    }

    @Override
    public void run(byte[] in) throws IOException {
        Conversation c = new Conversation();
        try {
            List<byte[]> frames = split(in);
            for (int i = 0; i < frames.size(); i++) {
                byte[] f = frames.get(i);
                if (f.length == 0) {
                    c.hangUp();
                } else if (f.length == 1 && f[0] == 2) {
                    deliverToAll(c.delivered++);
                } else if (c.channel == null && startsWith(f, "/ws")) {
                    c.connect(c.substitute(f));
                } else {
                    if (c.channel == null) {
                        c.connect("/ws");
                    }
                    c.send(f);
                }
                checkBounds();
            }
        } finally {
            c.hangUp();
            for (DesktopSession s : List.copyOf(services.sessions().all())) {
                services.sessions().remove(s);
            }
        }
    }

    /** One connection at a time, and what was learnt from earlier answers for the $ placeholders. */
    private final class Conversation {
        EmbeddedChannel channel;
        String sessionId = "";
        long lastSeq;
        int delivered;

        void connect(String uri) throws IOException {
            channel = new EmbeddedChannel(new WebSocketHandler(services, 30));
            channel.pipeline().fireUserEventTriggered(new HandshakeComplete(uri, new DefaultHttpHeaders(), null));
            answers(uri);
        }

        void send(byte[] f) throws IOException {
            if (!channel.isOpen()) {
                return; // closed by the gateway: what a desktop sends now goes nowhere
            }
            String text = substitute(f);
            WebSocketFrame frame = f[0] == 1
                    ? new BinaryWebSocketFrame(Unpooled.wrappedBuffer(f, 1, f.length - 1))
                    : new TextWebSocketFrame(text);
            channel.writeInbound(frame);
            check(answers(text) > 0 || !channel.isOpen(), "no answer to " + text);
        }

        /** Checks every frame the gateway wrote since the last call; returns how many. */
        int answers(String after) throws IOException {
            int n = 0;
            Object last = null;
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            for (Object o; (o = channel.readOutbound()) != null; ) {
                try {
                    n++;
                    last = o;
                    if (o instanceof ByteBuf b) {
                        b.readBytes(raw, b.readableBytes()); // an event frame's bytes, written by the outbox
                        continue;
                    }
                    rawFrames(raw, after);
                    if (o instanceof TextWebSocketFrame t) {
                        answer(t.text(), after);
                    } else {
                        check(o instanceof WebSocketFrame, "not a WebSocket frame after " + after + ": " + o);
                    }
                } finally {
                    ReferenceCountUtil.release(o);
                }
            }
            rawFrames(raw, after);
            if (last instanceof CloseWebSocketFrame && channel.isOpen()) {
                // The closing handshake: the gateway waits for the desktop's close reply (none comes here), then
                // closes by itself; frames arriving meanwhile are dropped, so the conversation ends now.
                channel.advanceTimeBy(GatewayInitializer.CLOSE_REPLY_MILLIS, TimeUnit.MILLISECONDS);
                channel.runScheduledPendingTasks();
                check(!channel.isOpen(), "still open " + GatewayInitializer.CLOSE_REPLY_MILLIS
                        + " ms after its close frame, after " + after);
            }
            // Only the first call after a close gets here with the channel closed: send() stops at a closed one.
            check(channel.isOpen() || last instanceof CloseWebSocketFrame,
                    "the connection was closed without a close frame after " + after);
            channel.checkException();
            return n;
        }

        /**
         * The event frames the outbox wrote as raw bytes (RFC 6455 header, then the payload), each checked as an
         * answer; they must be whole, unmasked, final text frames.
         */
        private void rawFrames(ByteArrayOutputStream raw, String after) throws IOException {
            ByteBuf b = Unpooled.wrappedBuffer(raw.toByteArray());
            raw.reset();
            while (b.isReadable()) {
                check(b.readableBytes() >= 2 && b.readByte() == (byte) 0x81, "a raw frame that is not a whole text"
                        + " frame after " + after);
                int len = b.readByte();
                long size = len == 126 ? b.readUnsignedShort() : len == 127 ? b.readLong() : len;
                check(size >= 0 && size <= b.readableBytes(), "a raw frame cut short after " + after);
                answer(b.readCharSequence((int) size, StandardCharsets.UTF_8).toString(), after);
            }
        }

        private void answer(String text, String after) throws IOException {
            JsonNode a = Json.MAPPER.readTree(text);
            check(a != null && a.isObject() && a.path("type").isTextual(), "answer without a type: " + text);
            if (a.has("seq")) {
                lastSeq = a.get("seq").asLong();
            }
            String type = a.get("type").asText();
            if (type.equals("welcome")) {
                sessionId = a.path("session").asText();
            }
            if (type.equals("error") || type.equals("result") && !a.path("ok").asBoolean()) {
                check(a.path("error").path("code").isTextual(), "an error without a code: " + text);
                check(!a.path("error").path("code").asText().equals("internal"), "internal error after " + after
                        + ": " + text);
            }
        }

        String substitute(byte[] f) {
            return new String(f, StandardCharsets.UTF_8).replace("$T", gateway.adminToken())
                    .replace("$U", gateway.agentToken()).replace("$S", sessionId)
                    .replace("$Q", Long.toString(lastSeq));
        }

        void hangUp() {
            if (channel != null) {
                channel.finishAndReleaseAll();
                check(services.connections().size() == 0, "a closed connection is still registered");
                check(services.sessions().outboxLoops() == 0, "a closed connection's loop still holds an outbox");
                channel = null;
            }
        }
    }

    private void deliverToAll(int n) {
        byte[] event = ("{\"type\":\"fuzz\",\"n\":" + n + "}").getBytes(StandardCharsets.US_ASCII);
        for (DesktopSession s : services.sessions().all()) {
            s.deliver(event, System.nanoTime());
        }
    }

    private void checkBounds() {
        SessionRegistry sessions = services.sessions();
        check(sessions.size() <= 3 * SessionRegistry.MAX_SESSIONS_PER_USER, sessions.size() + " sessions");
        for (DesktopSession s : sessions.all()) {
            check(s.queues().size() <= 256, s.queues().size() + " queues subscribed");
            check(s.buffered() <= services.config().resumeBufferEvents(), s.buffered() + " events buffered");
            check(s.pendingFrames() <= services.config().outboundQueueFrames(), s.pendingFrames() + " frames queued");
        }
    }

    /** The frames of {@code in}, split at NUL bytes; at most {@link #MAX_FRAMES}. */
    private static List<byte[]> split(byte[] in) {
        List<byte[]> out = new ArrayList<>();
        int from = 0;
        for (int i = 0; i <= in.length && out.size() < MAX_FRAMES; i++) {
            if (i == in.length || in[i] == 0) {
                byte[] f = new byte[i - from];
                System.arraycopy(in, from, f, 0, f.length);
                out.add(f);
                from = i + 1;
            }
        }
        return out;
    }

    private static boolean startsWith(byte[] f, String prefix) {
        if (f.length < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (f[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
