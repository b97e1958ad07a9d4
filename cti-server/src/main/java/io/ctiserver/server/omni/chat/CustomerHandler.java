package io.ctiserver.server.omni.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.server.gateway.Json;
import io.ctiserver.server.gateway.session.RateLimiter;
import io.ctiserver.server.omni.OmniConfig;
import io.ctiserver.server.omni.OmniException;
import io.ctiserver.server.omni.OmniJson;
import io.ctiserver.server.omni.OmniService;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * One customer's chat WebSocket. No login: the first message starts a chat (the pre-chat form) or resumes one (chat id
 * and the secret resume token it got). Then messages, typing, "ask for an agent" and close. Every message costs a
 * token of the connection's bucket: over the rate it is refused with {@code rate_limited}; at five times the rate
 * the connection is closed as a flood. A bad message gets an {@code error} and the chat goes on.
 */
final class CustomerHandler extends ChannelInboundHandlerAdapter {

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,190}\\.[^@\\s]{1,60}");
    private static final Pattern PHONE = Pattern.compile("[0-9+()\\- ]{3,32}");

    private final OmniService omni;
    private final OmniConfig.Chat config;
    private final IpLimits ips;
    private final InetAddress ip;
    private final Runnable onNotReading;
    private final RateLimiter rate;
    private final RateLimiter flood;
    private ChannelLink link;
    /** Set by the omni thread before the customer learns it (so their next frame finds it); read here. */
    private volatile String chatId;
    private ScheduledFuture<?> authTimeout;
    /** A close frame went out: frames still in flight from the customer are dropped until their close reply. */
    private boolean closing;

    CustomerHandler(OmniService omni, IpLimits ips, InetAddress ip, Runnable onNotReading) {
        this.onNotReading = onNotReading;
        this.omni = omni;
        this.config = omni.config().chat();
        this.ips = ips;
        this.ip = ip;
        this.rate = new RateLimiter(config.messagesPerSecond(), config.messageBurst());
        this.flood = new RateLimiter(config.messagesPerSecond() * 5, config.messageBurst() * 5);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            link = new ChannelLink(ctx.channel(), config.outboundFrames(), onNotReading);
            authTimeout = ctx.executor().schedule(() -> {
                if (chatId == null) {
                    closeWith(ctx, 4408, "no start or resume within " + config.authTimeoutSeconds() + " s");
                }
            }, config.authTimeoutSeconds(), TimeUnit.SECONDS);
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof WebSocketFrame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (closing) {
                return;
            }
            if (!flood.tryAcquire()) {
                closeWith(ctx, 1008, "too many messages");
                return;
            }
            if (msg instanceof TextWebSocketFrame text) {
                onText(ctx, text);
            } else {
                error(ctx, "invalid_json", "only text frames holding JSON are accepted");
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /**
     * Starts the closing handshake. Closing the socket at once would reset it while the customer's frames are still
     * arriving, and the customer would never read the code; the protocol handler closes on their reply, or after
     * {@link ChatServer#FORCE_CLOSE_MILLIS} when none comes.
     */
    private void closeWith(ChannelHandlerContext ctx, int code, String reason) {
        closing = true;
        ctx.writeAndFlush(new CloseWebSocketFrame(code, reason));
        ctx.executor().schedule(() -> ctx.close(), ChatServer.CLOSE_REPLY_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void onText(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
        JsonNode m;
        try (InputStream in = new ByteBufInputStream(frame.content())) {
            m = Json.MAPPER.readTree(in);
        } catch (IOException e) {
            error(ctx, "invalid_json", "a message is a JSON object");
            return;
        }
        if (m == null || !m.isObject()) {
            error(ctx, "invalid_json", "a message is a JSON object");
            return;
        }
        if (!rate.tryAcquire()) {
            error(ctx, "rate_limited", "too many messages; slow down");
            return;
        }
        String type = m.path("type").asText("");
        if (chatId == null) {
            switch (type) {
                case "start" -> start(ctx, m);
                case "resume" -> resume(ctx, m);
                default -> error(ctx, "no_chat", "start or resume a chat first");
            }
            return;
        }
        switch (type) {
            case "message" -> {
                String text;
                try {
                    text = ChatText.check(m.path("text").isTextual() ? m.get("text").asText() : null,
                            config.maxMessageChars());
                } catch (OmniException e) {
                    error(ctx, e.code(), e.getMessage());
                    return;
                }
                answer(ctx, omni.customerMessage(chatId, text));
            }
            case "typing" -> omni.customerTyping(chatId);
            case "agent" -> answer(ctx, omni.customerAsksAgent(chatId));
            case "close" -> answer(ctx, omni.customerClosed(chatId));
            case "start", "resume" -> error(ctx, "invalid_state", "this connection already has a chat");
            default -> error(ctx, "unknown_type", "unknown message type");
        }
    }

    private void start(ChannelHandlerContext ctx, JsonNode m) {
        String name = field(m, "name", 100);
        String email = field(m, "email", 254);
        String phone = field(m, "phone", 32);
        String topic = field(m, "topic", 64);
        if (name == null || name.isBlank()) {
            error(ctx, "missing_field", "please give your name");
            return;
        }
        if ((email == null || email.isBlank()) && (phone == null || phone.isBlank())) {
            error(ctx, "missing_field", "please give an email address or a phone number");
            return;
        }
        if (email != null && !email.isBlank() && !EMAIL.matcher(email).matches()) {
            error(ctx, "invalid_field", "the email address does not look right");
            return;
        }
        if (phone != null && !phone.isBlank() && !PHONE.matcher(phone).matches()) {
            error(ctx, "invalid_field", "the phone number does not look right");
            return;
        }
        if (!ips.mayStartChat(ip)) {
            error(ctx, "rate_limited", "too many chats started from your address; try again in a minute");
            return;
        }
        chatId = "starting";
        omni.startChat(new OmniService.ChatStart(name.strip(), blank(email), blank(phone), blank(topic)), link,
                        x -> chatId = x)
                .whenComplete((id, ex) -> ctx.executor().execute(() -> {
                    if (ex != null) {
                        chatId = null;
                        fail(ctx, ex);
                    } else {
                        chatId = id;
                        cancelAuthTimeout();
                        if (!ctx.channel().isActive()) {
                            omni.customerDetached(id, link); // gone while the chat was being started
                        }
                    }
                }));
    }

    private void resume(ChannelHandlerContext ctx, JsonNode m) {
        String id = field(m, "chat", 64);
        String token = field(m, "token", 64);
        if (id == null || token == null) {
            error(ctx, "missing_field", "resume needs chat and token");
            return;
        }
        long lastSeq = m.path("lastSeq").asLong(0);
        chatId = "resuming";
        omni.resumeChat(id, token, lastSeq, link, x -> chatId = x).whenComplete((ok, ex) -> ctx.executor().execute(() -> {
            if (ex != null) {
                chatId = null;
                fail(ctx, ex);
            } else {
                chatId = id;
                cancelAuthTimeout();
                if (!ctx.channel().isActive()) {
                    omni.customerDetached(id, link);
                }
            }
        }));
    }

    private void cancelAuthTimeout() {
        if (authTimeout != null) {
            authTimeout.cancel(false);
        }
    }

    private void answer(ChannelHandlerContext ctx, CompletableFuture<?> f) {
        f.whenComplete((r, ex) -> {
            if (ex != null) {
                ctx.executor().execute(() -> fail(ctx, ex));
            }
        });
    }

    private void fail(ChannelHandlerContext ctx, Throwable ex) {
        Throwable t = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
        if (t instanceof OmniException oe) {
            error(ctx, oe.code(), oe.getMessage());
        } else {
            error(ctx, "internal", "something went wrong; please try again");
        }
    }

    private void error(ChannelHandlerContext ctx, String code, String message) {
        ctx.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(
                OmniJson.customer("error", "code", code, "message", message))));
    }

    private static String field(JsonNode m, String name, int max) {
        JsonNode v = m.get(name);
        if (v == null || !v.isTextual()) {
            return null;
        }
        String s = v.asText();
        if (s.length() > max || s.chars().anyMatch(Character::isISOControl)) {
            return null;
        }
        return s;
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelAuthTimeout();
        ips.closed(ip);
        if (chatId != null && link != null && !chatId.equals("starting") && !chatId.equals("resuming")) {
            omni.customerDetached(chatId, link);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
