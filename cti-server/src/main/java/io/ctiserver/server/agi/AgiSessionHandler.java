package io.ctiserver.server.agi;

import io.ctiserver.server.agi.AgiException.Kind;
import io.ctiserver.server.agi.codec.AgiCommand;
import io.ctiserver.server.agi.codec.AgiDecodeError;
import io.ctiserver.server.agi.codec.AgiHangup;
import io.ctiserver.server.agi.codec.AgiInbound;
import io.ctiserver.server.agi.codec.AgiReply;
import io.ctiserver.server.agi.codec.AgiRequest;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one FastAGI connection: waits for the environment block, picks the script by name, feeds it the replies, and
 * closes when the script is done, when the caller hangs up, or on bad input. One instance per connection.
 *
 * <p>An unknown script is answered with the line {@code FAILURE}: res_agi treats a line starting with "failure" as
 * the script's failure and sets {@code AGISTATUS=FAILURE}, so the dialplan can take its fallback branch.
 */
final class AgiSessionHandler extends SimpleChannelInboundHandler<AgiInbound> {

    private static final Logger LOG = LoggerFactory.getLogger(AgiSessionHandler.class);
    static final AgiCommand FAILURE = new AgiCommand("FAILURE");

    private final Map<String, AgiScript> scripts;
    private final AgiConfig config;
    private final AgiObserver observer;
    private AgiSession session;
    private ScheduledFuture<?> envTimer;

    AgiSessionHandler(Map<String, AgiScript> scripts, AgiConfig config) {
        this(scripts, config, AgiObserver.NONE);
    }

    AgiSessionHandler(Map<String, AgiScript> scripts, AgiConfig config, AgiObserver observer) {
        this.scripts = scripts;
        this.config = config;
        this.observer = observer;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        observer.connectionOpened();
        envTimer = ctx.executor().schedule(() -> {
            LOG.warn("FastAGI {}: no environment block within {} ms; closing", ctx.channel().remoteAddress(),
                    config.envTimeoutMillis());
            ctx.close();
        }, config.envTimeoutMillis(), TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, AgiInbound msg) {
        if (msg instanceof AgiRequest request) {
            start(ctx, request);
        } else if (msg instanceof AgiReply reply) {
            if (session != null) {
                session.onReply(reply);
            }
        } else if (msg instanceof AgiHangup) {
            if (session != null) {
                LOG.debug("FastAGI {}: HANGUP from Asterisk during {}", channelOf(), session.request().script());
                session.end(Kind.HANGUP, "the channel hung up");
            }
            ctx.close();
        } else if (msg instanceof AgiDecodeError error) {
            if (error.fatal()) {
                LOG.warn("FastAGI {}: malformed environment block ({}){}; closing", ctx.channel().remoteAddress(),
                        error.reason(), error.line().isEmpty() ? "" : ": '" + error.line() + "'");
                cancelEnvTimer();
                ctx.close();
            } else {
                LOG.warn("FastAGI {}: {}{}", channelOf(), error.reason(),
                        error.line().isEmpty() ? "" : ": '" + error.line() + "'");
                if (session != null) {
                    session.onProtocolError(error.reason());
                }
            }
        }
    }

    private void start(ChannelHandlerContext ctx, AgiRequest request) {
        cancelEnvTimer();
        session = new AgiSession(ctx.channel(), request, config.commandTimeoutMillis(), config.maxQueuedCommands(),
                config.batchVariables());
        String name = request.script();
        AgiScript script = scripts.get(name);
        observer.sessionStarted(script == null ? "unknown" : name);
        if (script == null) {
            observer.sessionEnded("unknown", false);
            LOG.warn("FastAGI: no script '{}' (request {}, channel {}); known scripts: {}; answering FAILURE "
                    + "(AGISTATUS=FAILURE)", name, request.requestUrl(), request.channel(), scripts.keySet());
            session.end(Kind.CLOSED, "unknown script");
            ctx.writeAndFlush(FAILURE).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        CompletionStage<?> done;
        try {
            done = script.run(session);
        } catch (RuntimeException e) {
            observer.sessionEnded(name, false);
            LOG.error("FastAGI script {} failed to start on {}", name, request.channel(), e);
            ctx.close();
            return;
        }
        done.whenComplete((ok, error) -> {
            observer.sessionEnded(name, error == null);
            if (error != null) {
                report(name, request, error);
            }
            session.close();
        });
    }

    private static void report(String name, AgiRequest request, Throwable error) {
        AgiException agi = AgiException.of(error);
        if (agi != null && (agi.kind() == Kind.HANGUP || agi.kind() == Kind.CLOSED)) {
            LOG.info("FastAGI {} on {}: caller hung up or Asterisk closed mid-script ({}); closing", name,
                    request.channel(), agi.getMessage());
        } else if (agi != null) {
            LOG.warn("FastAGI {} on {}: {} ({}); closing", name, request.channel(), agi.kind(), agi.getMessage());
        } else {
            LOG.error("FastAGI {} on {} failed; closing", name, request.channel(), error);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        observer.connectionClosed();
        cancelEnvTimer();
        if (session != null) {
            session.end(Kind.CLOSED, "connection closed");
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.warn("FastAGI {}: {}; closing", channelOf(), cause.toString());
        ctx.close();
    }

    private void cancelEnvTimer() {
        if (envTimer != null) {
            envTimer.cancel(false);
            envTimer = null;
        }
    }

    private String channelOf() {
        return session == null ? "(before environment)" : session.request().channel();
    }
}
