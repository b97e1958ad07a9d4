package io.ctiserver.server.sim;

import io.ctiserver.ami.AmiMessage;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dialplan's {@code AGI(agi://host:port/route,${EXTEN},${CALLERID(num)})} step: connects to the CTI server's
 * FastAGI port, sends the environment block as Asterisk 22 does, answers each command as Asterisk would (emitting
 * AGIExecStart/AGIExecEnd and VarSet like capture 02), and reports {@code AGISTATUS} when the server closes:
 * SUCCESS, FAILURE (cannot connect, or no end within the deadline), or HANGUP (the script hung the channel up).
 */
final class AgiStep {

    private static final Logger LOG = LoggerFactory.getLogger(AgiStep.class);

    private final Pbx pbx;
    private final EventLoopGroup io;
    private final String host;
    private final int port;
    private final int deadlineMs;
    private long commandIds = 1_420_375_171L;

    AgiStep(Pbx pbx, EventLoopGroup io, String host, int port, int deadlineMs) {
        this.pbx = pbx;
        this.io = io;
        this.host = host;
        this.port = port;
        this.deadlineMs = deadlineMs;
    }

    /** Engine thread. {@code done} is called once, on the engine thread, with the AGISTATUS. */
    void run(Chan chan, List<String> args, Consumer<String> done) {
        Session s = new Session(chan, done);
        String env = envBlock(chan, args);
        Bootstrap b = new Bootstrap().group(io).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.max(1, deadlineMs))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new LineBasedFrameDecoder(8192, true, true),
                                new StringDecoder(StandardCharsets.UTF_8), new StringEncoder(StandardCharsets.UTF_8),
                                s);
                    }
                });
        b.connect(host, port).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                LOG.debug("FastAGI connect to {}:{} failed: {}", host, port, f.cause().toString());
                s.finish("FAILURE");
                return;
            }
            Channel ch = f.channel();
            s.channel = ch;
            ch.eventLoop().schedule(() -> {
                if (ch.isActive()) {
                    LOG.warn("FastAGI server {}:{} did not finish within {} ms; falling back", host, port,
                            deadlineMs);
                    s.finish("FAILURE");
                    ch.close();
                }
            }, deadlineMs, TimeUnit.MILLISECONDS);
            ch.writeAndFlush(env);
        });
    }

    String envBlock(Chan chan, List<String> args) {
        StringBuilder sb = new StringBuilder(640);
        line(sb, "network", "yes");
        line(sb, "network_script", "route");
        line(sb, "request", "agi://" + host + ":" + port + "/route");
        line(sb, "channel", chan.name);
        line(sb, "language", chan.language);
        line(sb, "type", chan.tech);
        line(sb, "uniqueid", chan.uniqueid);
        line(sb, "version", "22.10.1");
        line(sb, "callerid", unknownAsWord(chan.cidNum));
        line(sb, "calleridname", unknownAsWord(chan.cidName));
        line(sb, "callingpres", "0");
        line(sb, "callingani2", "0");
        line(sb, "callington", "0");
        line(sb, "callingtns", "0");
        line(sb, "dnid", chan.tech.equals("Local") ? "unknown" : chan.exten);
        line(sb, "rdnis", "unknown");
        line(sb, "context", chan.context);
        line(sb, "extension", chan.exten);
        line(sb, "priority", "4");
        line(sb, "enhanced", "0.0");
        line(sb, "accountcode", chan.accountCode);
        line(sb, "threadid", "139682158585536");
        for (int i = 0; i < args.size(); i++) {
            line(sb, "arg_" + (i + 1), args.get(i));
        }
        return sb.append('\n').toString();
    }

    private static String unknownAsWord(String v) {
        return "<unknown>".equals(v) ? "unknown" : v;
    }

    private static void line(StringBuilder sb, String key, String value) {
        sb.append("agi_").append(key).append(": ").append(value).append('\n');
    }

    /** One FastAGI conversation; IO events are handed to the engine thread. */
    private final class Session extends SimpleChannelInboundHandler<String> {
        private final Chan chan;
        private final Consumer<String> done;
        private volatile Channel channel;
        private boolean finished;
        private boolean hungUp;

        Session(Chan chan, Consumer<String> done) {
            this.chan = chan;
            this.done = done;
        }

        /** Any thread. */
        void finish(String status) {
            pbx.engine.execute(() -> {
                if (finished) {
                    return;
                }
                finished = true;
                done.accept(hungUp ? "HANGUP" : status);
            });
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String line) {
            pbx.engine.execute(() -> {
                if (finished || chan.hungUp) {
                    ctx.close();
                    return;
                }
                String reply = execute(line.trim());
                ctx.writeAndFlush(reply + "\n");
            });
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            finish("SUCCESS");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("FastAGI session error: {}", cause.toString());
            ctx.close();
        }

        private String execute(String command) {
            String id = Long.toString(commandIds++);
            pbx.emitChan("AGIExecStart", "agi,all", chan, "CommandId", id, "Command", command);
            String reply = answer(command);
            int space = reply.indexOf(' ');
            String code = reply.substring(0, space < 0 ? reply.length() : space);
            AmiMessage.Builder b = Pbx.event("AGIExecEnd", "agi,all");
            chan.snapshot(b, "");
            pbx.emit(b.add("CommandId", id).add("Command", command).add("ResultCode", code)
                    .add("Result", code.equals("200") ? "Success" : "Invalid or unknown command"));
            return reply;
        }

        private String answer(String command) {
            List<String> words = AgiWords.split(command);
            String verb = words.isEmpty() ? "" : words.get(0).toUpperCase();
            String second = words.size() > 1 ? words.get(1).toUpperCase() : "";
            switch (verb) {
                case "VERBOSE":
                    return "200 result=1";
                case "NOOP":
                case "ANSWER":
                    return "200 result=0";
                case "HANGUP":
                    hungUp = true;
                    return "200 result=1";
                case "CHANNEL":
                    return second.equals("STATUS") ? "200 result=" + chan.state.code : unknown();
                case "GET":
                    if (second.equals("VARIABLE") && words.size() > 2) {
                        String v = Getvar.value(chan, words.get(2));
                        return v == null ? "200 result=0" : "200 result=1 (" + v + ")";
                    }
                    if (second.equals("FULL") && words.size() > 3) {
                        return "200 result=1 (" + DialplanText.substitute(words.get(3), n -> Getvar.value(chan, n))
                                + ")";
                    }
                    return unknown();
                case "SET":
                    if (second.equals("VARIABLE") && words.size() > 3) {
                        pbx.setVar(chan, words.get(2), words.get(3));
                        return "200 result=1";
                    }
                    return unknown();
                case "EXEC":
                    return words.size() > 1 ? exec(words.get(1), words.size() > 2 ? words.get(2) : "") : unknown();
                default:
                    return unknown();
            }
        }

        /** res_agi's EXEC: {@code 200 result=<the application's return>}, -2 when there is no such application. */
        private String exec(String app, String args) {
            if (!app.equalsIgnoreCase("MSet")) {
                LOG.debug("FastAGI EXEC {}: the simulator has no such application", app);
                return "200 result=-2";
            }
            for (String pair : DialplanText.separateAppArgs(args, ',', 99)) {
                List<String> nv = DialplanText.separateAppArgs(pair, '=', 2);
                if (nv.size() == 2) {
                    pbx.setVar(chan, nv.get(0), nv.get(1));
                } else {
                    LOG.warn("MSet: ignoring entry '{}' with no '='", pair);
                }
            }
            return "200 result=0";
        }

        private String unknown() {
            return "510 Invalid or unknown command";
        }
    }
}
