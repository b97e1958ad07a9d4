package io.ctiserver.server.fuzz;

import static io.ctiserver.server.fuzz.FuzzTarget.check;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.ami.AmiActionSender;
import io.ctiserver.ami.AmiMessage;
import io.ctiserver.ami.AmiResponse;
import io.ctiserver.events.AgentView;
import io.ctiserver.events.CallDirection;
import io.ctiserver.events.CallState;
import io.ctiserver.events.CallView;
import io.ctiserver.events.CtiStateView;
import io.ctiserver.events.Party;
import io.ctiserver.events.QueueView;
import io.ctiserver.kpi.KpiConfig;
import io.ctiserver.kpi.KpiSnapshot;
import io.ctiserver.routing.RouteDryRun;
import io.ctiserver.routing.RoutingConfig;
import io.ctiserver.server.agi.AgiConfig;
import io.ctiserver.server.agi.VariableBatch;
import io.ctiserver.server.agi.codec.AgiDecodeError;
import io.ctiserver.server.agi.codec.AgiDecoder;
import io.ctiserver.server.agi.codec.AgiHangup;
import io.ctiserver.server.agi.codec.AgiReply;
import io.ctiserver.server.agi.codec.AgiRequest;
import io.ctiserver.server.ami.AmiClientConfig;
import io.ctiserver.server.ami.codec.AmiBanner;
import io.ctiserver.server.ami.codec.AmiDecodeError;
import io.ctiserver.server.ami.codec.AmiDecoder;
import io.ctiserver.server.ami.codec.AmiEncoder;
import io.ctiserver.server.config.ServerConfig;
import io.ctiserver.server.gateway.CallDataSink;
import io.ctiserver.server.gateway.CustomerLookup;
import io.ctiserver.server.gateway.GatewayConfig;
import io.ctiserver.server.gateway.Json;
import io.ctiserver.server.gateway.Reports;
import io.ctiserver.server.gateway.auth.PasswordHash;
import io.ctiserver.server.gateway.auth.Role;
import io.ctiserver.server.gateway.auth.TokenService;
import io.ctiserver.server.gateway.auth.User;
import io.ctiserver.server.gateway.auth.UserConfig;
import io.ctiserver.server.gateway.auth.UserDirectory;
import io.ctiserver.server.gateway.commands.AuditLog;
import io.ctiserver.server.gateway.commands.CommandHandler;
import io.ctiserver.server.gateway.commands.CommandResult;
import io.ctiserver.server.gateway.commands.DispositionStore;
import io.ctiserver.server.gateway.events.EventFanout;
import io.ctiserver.server.gateway.http.ApiHandler;
import io.ctiserver.server.gateway.http.GatewayServices;
import io.ctiserver.server.gateway.http.TokenConnections;
import io.ctiserver.server.gateway.session.SessionRegistry;
import io.ctiserver.server.sim.SimConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The fuzz targets: the AMI decoder, the FastAGI decoder, the GET FULL VARIABLE splitting, the command fields behind
 * the WebSocket and REST, the REST query parameters, and the config loader. Each checks the code's own promises:
 * no exception escapes, the documented limits hold, feeding the same bytes whole or cut anywhere gives the same
 * messages, no control byte reaches an AMI action, no REST answer is a 500.
 */
public final class FuzzTargets {

    private FuzzTargets() {
    }

    public static List<FuzzTarget> all() {
        return List.of(new AmiDecoderTarget(), new AgiDecoderTarget(), new AgiVariablesTarget(), new CommandTarget(),
                new RestQueryTarget(), new ConfigTarget());
    }

    public static FuzzTarget byName(String name) {
        return all().stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no fuzz target '" + name + "'; one of "
                        + all().stream().map(FuzzTarget::name).toList()));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
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

    /** The chunks of {@code in} between the cut positions. */
    static List<byte[]> chunks(byte[] in, int[] at) {
        List<byte[]> out = new ArrayList<>();
        int from = 0;
        for (int p : at) {
            out.add(Arrays.copyOfRange(in, from, p));
            from = p;
        }
        out.add(Arrays.copyOfRange(in, from, in.length));
        return out;
    }

    // ---- AMI decoder -------------------------------------------------------------------------------------------

    /** The AMI decoder with small limits (line 200, message 2,000 bytes) so that every limit path is reached. */
    public static final class AmiDecoderTarget implements FuzzTarget {
        static final int MAX_LINE = 200;
        static final int MAX_MESSAGE = 2_000;

        @Override
        public String name() {
            return "ami-decoder";
        }

        @Override
        public List<byte[]> seeds() {
            return List.of(
                    ascii("Asterisk Call Manager/9.0.0\r\nResponse: Success\r\nActionID: 1\r\nMessage: Authentication"
                            + " accepted\r\n\r\nEvent: FullyBooted\r\nPrivilege: system,all\r\nUptime: 12\r\n\r\n"),
                    ascii("Asterisk Call Manager/9.0.0\r\nEvent: Newchannel\r\nPrivilege: call,all\r\nChannel: PJSIP/201-"
                            + "00000001\r\nChannelState: 4\r\nCallerIDNum: 5551001\r\nUniqueid: 1795458626.1\r\nLinkedid: "
                            + "1795458626.1\r\n\r\nEvent: Hangup\r\nUniqueid: 1795458626.1\r\nCause: 16\r\n\r\n"),
                    ascii("Asterisk Call Manager/9.0.0\r\nResponse: Success\r\nActionID: 7\r\nEventList: start\r\n"
                            + "Message: Channels will follow\r\n\r\nEvent: CoreShowChannel\r\nActionID: 7\r\nChannel: "
                            + "Local/201@agents-00000002;1\r\nBridgeId: \r\n\r\nEvent: CoreShowChannelsComplete\r\n"
                            + "ActionID: 7\r\nEventList: Complete\r\nListItems: 1\r\n\r\n"),
                    ascii("Asterisk Call Manager/9.0.0\r\nResponse: Follows\r\nPrivilege: Command\r\nActionID: 3\r\n"
                            + "Output: Name/username   Host\r\nOutput: 201/201  (Unspecified)\r\n\r\n"),
                    ascii("Asterisk Call Manager/9.0.0\r\nResponse: Error\r\nMessage: Interface not found\r\n\r\n"));
        }

        @Override
        public void run(byte[] in) {
            run(in, cuts(in));
        }

        /** The same bytes whole and cut at each of {@code cuts} decode to the same messages. */
        public void run(byte[] in, List<int[]> cuts) {
            List<String> whole = decode(List.of(in));
            for (int[] at : cuts) {
                List<String> cut = decode(chunks(in, at));
                check(whole.equals(cut), "cut at " + Arrays.toString(at) + " decodes differently:\n  whole " + whole
                        + "\n  cut   " + cut);
            }
        }

        static List<String> decode(List<byte[]> chunks) {
            EmbeddedChannel ch = new EmbeddedChannel(new AmiDecoder(true, MAX_LINE, MAX_MESSAGE));
            List<String> out = new ArrayList<>();
            try {
                for (byte[] c : chunks) {
                    ch.writeInbound(Unpooled.wrappedBuffer(c));
                    for (Object o; (o = ch.readInbound()) != null; ) {
                        out.add(render(o));
                        ReferenceCountUtil.release(o);
                    }
                }
            } finally {
                ch.finishAndReleaseAll();
            }
            return out;
        }

        private static String render(Object o) {
            if (o instanceof AmiMessage m) {
                int total = 0;
                StringBuilder sb = new StringBuilder("M[");
                for (int i = 0; i < m.size(); i++) {
                    int line = m.key(i).length() + 2 + m.value(i).length();
                    check(line <= MAX_LINE, "a line of " + line + " chars passed the " + MAX_LINE + "-byte limit");
                    total += line + 2;
                    sb.append(m.key(i)).append('=').append(m.value(i)).append(';');
                }
                check(total <= MAX_MESSAGE + 2, "a message of " + total + " bytes passed the " + MAX_MESSAGE
                        + "-byte limit");
                return sb.append(']').toString();
            }
            if (o instanceof AmiDecodeError e) {
                return "E[" + e.kind() + "]";
            }
            if (o instanceof AmiBanner b) {
                return "B[" + b.text() + "]";
            }
            throw new FuzzTarget.Finding("unexpected output " + o.getClass());
        }
    }

    // ---- FastAGI decoder ---------------------------------------------------------------------------------------

    /** The FastAGI decoder with small limits (line 200, environment 2,000 bytes). */
    public static final class AgiDecoderTarget implements FuzzTarget {
        static final int MAX_LINE = 200;
        static final int MAX_ENV = 2_000;

        @Override
        public String name() {
            return "agi-decoder";
        }

        @Override
        public List<byte[]> seeds() {
            String env = "agi_network: yes\nagi_network_script: route\nagi_request: agi://127.0.0.1:4573/route\n"
                    + "agi_channel: PJSIP/sipp-00000001\nagi_language: en\nagi_uniqueid: 1795458626.1\n"
                    + "agi_callerid: 5551001\nagi_arg_1: x\n\n";
            return List.of(ascii(env + "200 result=1\n200 result=0 (timeout)\n"),
                    ascii(env + "200 result=1 (8:5551001)\n510 Invalid or unknown command\nHANGUP\n"),
                    ascii(env + "520-Invalid command syntax.  Proper usage follows:\nUsage: GET DATA\n"
                            + "520 End of proper usage.\n511 Command Not Permitted on a dead channel\n"),
                    ascii("agi_network: yes\r\nagi_request: agi://h/survey\r\n\r\n200 result=-1\r\n"));
        }

        @Override
        public void run(byte[] in) {
            run(in, cuts(in));
        }

        /** The same bytes whole and cut at each of {@code cuts} decode to the same messages. */
        public void run(byte[] in, List<int[]> cuts) {
            List<String> whole = decode(List.of(in));
            for (int[] at : cuts) {
                List<String> cut = decode(chunks(in, at));
                check(whole.equals(cut), "cut at " + Arrays.toString(at) + " decodes differently:\n  whole " + whole
                        + "\n  cut   " + cut);
            }
        }

        static List<String> decode(List<byte[]> chunks) {
            EmbeddedChannel ch = new EmbeddedChannel(new AgiDecoder(MAX_LINE, MAX_ENV));
            List<String> out = new ArrayList<>();
            try {
                for (byte[] c : chunks) {
                    ch.writeInbound(Unpooled.wrappedBuffer(c));
                    for (Object o; (o = ch.readInbound()) != null; ) {
                        out.add(render(o));
                        ReferenceCountUtil.release(o);
                    }
                }
            } finally {
                ch.finishAndReleaseAll();
            }
            return out;
        }

        private static String render(Object o) {
            if (o instanceof AgiRequest r) {
                int total = 0;
                for (var e : r.env().entrySet()) {
                    // "agi_key:value" is accepted without the space too: the shortest line it can have come from.
                    int line = e.getKey().length() + 1 + e.getValue().length();
                    check(line <= MAX_LINE, "an environment line of " + line + " chars passed the limit");
                    total += line + 1;
                }
                check(total <= MAX_ENV + 1, "an environment of " + total + " bytes passed the limit");
                return "R" + r.env() + r.args();
            }
            if (o instanceof AgiReply r) {
                return "P" + r;
            }
            if (o instanceof AgiHangup) {
                return "H";
            }
            if (o instanceof AgiDecodeError e) {
                return "E[" + e.fatal() + "]";
            }
            throw new FuzzTarget.Finding("unexpected output " + o.getClass());
        }
    }

    // ---- GET FULL VARIABLE ----------------------------------------------------------------------------------------

    /**
     * The route dialog's batched read: any answer splits without an exception and only into the names asked for;
     * values made from the input, put in Asterisk's length-prefixed form, split back exactly; a batched write
     * (MSet) is never longer than its limit.
     */
    static final class AgiVariablesTarget implements FuzzTarget {
        static final List<String> NAMES = List.of("CALLERID(num)", "CTI_QUEUE", "IVR_CHOICE", "CHANNEL(linkedid)",
                "X");

        @Override
        public String name() {
            return "agi-variables";
        }

        @Override
        public List<byte[]> seeds() {
            return List.of(ascii("\u00037:5551001"), ascii("\u00051:2"), ascii("\u00040:"), ascii("\u00023:a:b1:("),
                    ascii("\u00045:${X}2:\"\"0:3:\u00e9\u00e8"));
        }

        @Override
        public void run(byte[] in) {
            int n = in.length == 0 ? 1 : 1 + Math.floorMod(in[0], NAMES.size());
            List<String> names = NAMES.subList(0, n);
            String data = new String(in, Math.min(1, in.length), Math.max(0, in.length - 1), StandardCharsets.UTF_8);
            Optional<Map<String, String>> parsed = VariableBatch.parse(names, data);
            parsed.ifPresent(m -> check(names.containsAll(m.keySet()), "names not asked for: " + m.keySet()));

            // Round trip: n values cut from the data, in Asterisk's answer form ${LEN(v)}:v (LEN counts bytes).
            Map<String, String> values = new LinkedHashMap<>();
            int step = Math.max(1, data.length() / n);
            StringBuilder answer = new StringBuilder();
            for (int i = 0; i < n; i++) {
                String v = data.substring(Math.min(data.length(), i * step),
                        i == n - 1 ? data.length() : Math.min(data.length(), (i + 1) * step));
                if (Character.isLowSurrogate(v.isEmpty() ? 'x' : v.charAt(0))
                        || Character.isHighSurrogate(v.isEmpty() ? 'x' : v.charAt(v.length() - 1))) {
                    return; // a value cut inside a surrogate pair is no text Asterisk could hold
                }
                values.put(names.get(i), v);
                answer.append(v.getBytes(StandardCharsets.UTF_8).length).append(':').append(v);
            }
            Optional<Map<String, String>> back = VariableBatch.parse(names, answer.toString());
            check(back.isPresent() && back.get().equals(values), "values " + values + " came back as " + back);

            Optional<String> mset = VariableBatch.msetArguments(values);
            mset.ifPresent(a -> check(a.getBytes(StandardCharsets.UTF_8).length <= VariableBatch.MAX_LINE_BYTES,
                    "an MSet line of " + a.length() + " chars"));
        }
    }

    // ---- commands --------------------------------------------------------------------------------------------------

    /** A state with one live call answered by the admin fuzzing it, so that call commands go all the way. */
    static CtiStateView oneCall() {
        Instant t0 = Instant.parse("2026-12-03T09:00:00Z");
        CallView c = new CallView("c1", "pbx1", "1795458626.1", CallDirection.INBOUND, CallState.CONNECTED, "5551001",
                "Caller", "5000", "support", "PJSIP/admin1", "Admin", t0, t0, t0, false, List.of(
                new Party(Party.Role.CALLER, "PJSIP/trunk-00000001", "1795458626.1", null, "Caller", "5551001"),
                new Party(Party.Role.AGENT, "PJSIP/admin1-00000002", "1795458626.2", "PJSIP/admin1", "Admin", "1"),
                new Party(Party.Role.TRANSFER_TARGET, "PJSIP/300-00000003", "1795458626.3", null, "T", "300")),
                Map.of());
        return new CtiStateView() {
            @Override
            public List<CallView> calls() {
                return List.of(c);
            }

            @Override
            public Optional<CallView> call(String callId) {
                return c.callId().equals(callId) ? Optional.of(c) : Optional.empty();
            }

            @Override
            public List<AgentView> agents() {
                return List.of();
            }

            @Override
            public List<QueueView> queues() {
                return List.of();
            }
        };
    }

    static List<UserConfig> users() {
        String h = "pbkdf2$1000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        return List.of(new UserConfig("admin", h, Role.ADMIN, "PJSIP/admin1", "Admin", null, null, null,
                        List.of("support"), false, null),
                new UserConfig("agent201", h, Role.AGENT, "Local/201@agents/n", "Agent 201", null, null, null,
                        List.of("support"), false, null),
                new UserConfig("crm", h, Role.INTEGRATION, null, null, null, null, null, List.of(), true, null));
    }

    /**
     * Any JSON a desktop sends, as the WebSocket and REST parse it, through the command handler as an admin (who may
     * do everything) and as an agent: an answer always, never an internal error, no AMI action with a control
     * byte (every action goes through the AMI encoder).
     */
    static final class CommandTarget implements FuzzTarget {
        private final GatewayConfig config = GatewayConfig.defaults().withUsers(users());
        private final List<User> actors;
        private final CommandHandler handler;

        CommandTarget() {
            UserDirectory dir = new UserDirectory(config.users(), "pbx1");
            actors = List.of(dir.byName("admin").orElseThrow(), dir.byName("agent201").orElseThrow(),
                    dir.byName("crm").orElseThrow());
            AmiActionSender sender = action -> {
                ByteBuf buf = Unpooled.buffer();
                try {
                    AmiEncoder.encode(action, buf);
                    for (int i = 0; i < buf.readableBytes(); i++) {
                        int c = buf.getByte(i) & 0xff;
                        boolean crlf = (c == '\r' && buf.getByte(i + 1) == '\n')
                                || (c == '\n' && i > 0 && buf.getByte(i - 1) == '\r');
                        check(crlf || (c >= 0x20 && c != 0x7f), "control byte " + c + " in " + action);
                    }
                } finally {
                    buf.release();
                }
                return CompletableFuture.completedFuture(AmiResponse.of(AmiMessage.of("Response", "Success")));
            };
            handler = new CommandHandler(config, dir, oneCall(), pbx -> sender,
                    (pbx, id, data) -> CompletableFuture.completedFuture(true), id -> null, new AuditLog(16),
                    new DispositionStore(16), Clock.systemUTC());
        }

        @Override
        public String name() {
            return "commands";
        }

        @Override
        public List<byte[]> seeds() {
            List<byte[]> s = new ArrayList<>();
            for (String c : List.of("{\"command\":\"hold\",\"callId\":\"c1\"}",
                    "{\"command\":\"transfer.blind\",\"callId\":\"c1\",\"target\":\"300\",\"context\":\"x\"}",
                    "{\"command\":\"dial\",\"number\":\"+15551234\",\"agent\":\"agent201\"}",
                    "{\"command\":\"queue.login\",\"queue\":\"support\",\"penalty\":3,\"agent\":\"agent201\"}",
                    "{\"command\":\"pause\",\"reason\":\"lunch\",\"queue\":\"sales\"}",
                    "{\"command\":\"dtmf\",\"callId\":\"c1\",\"digits\":\"12#*A\"}",
                    "{\"command\":\"conference\",\"callId\":\"c1\",\"target\":\"301\"}",
                    "{\"command\":\"disposition\",\"callId\":\"c1\",\"code\":\"sale\",\"resolved\":true,\"notes\":\"n\"}",
                    "{\"command\":\"data.attach\",\"callId\":\"c1\",\"data\":{\"K\":\"v\",\"L\":1}}",
                    "{\"command\":\"monitor.barge\",\"callId\":\"c1\"}",
                    "{\"command\":\"record.start\",\"callId\":\"c1\"}", "{\"command\":\"wrapup.end\"}",
                    "{\"command\":\"transfer.cancel\",\"callId\":\"c1\"}", "[1,2]", "\"x\"", "null")) {
                s.add(ascii(c));
            }
            return s;
        }

        @Override
        public void run(byte[] in) throws Exception {
            JsonNode json;
            try {
                json = Json.MAPPER.readTree(in);
            } catch (IOException e) {
                return; // invalid_json: answered before the handler
            }
            for (User u : actors) {
                CommandResult r = handler.handle(u, json).get(5, TimeUnit.SECONDS);
                check(r != null && (r.ok() || !r.error().code().equals("internal")), "internal error for " + u.username()
                        + ": " + r);
            }
        }
    }

    // ---- REST query parameters ---------------------------------------------------------------------------------

    /** GET requests with fuzzed paths and query strings: one answer each, never a 500. */
    static final class RestQueryTarget implements FuzzTarget {
        private final ApiHandler api;
        private final String token;

        RestQueryTarget() {
            GatewayConfig config = GatewayConfig.defaults().withUsers(users());
            UserDirectory dir = new UserDirectory(config.users(), "pbx1");
            TokenService tokens = new TokenService(Clock.systemUTC(), 3600);
            token = tokens.issue(dir.byName("admin").orElseThrow()).token();
            CtiStateView state = oneCall();
            SessionRegistry sessions = new SessionRegistry(config);
            RoutingConfig routing = RoutingConfig.defaults();
            Reports reports = new Reports() {
                @Override
                public KpiSnapshot kpis() {
                    return null;
                }

                @Override
                public CompletableFuture<Object> whatIf(String number, String time, String dialed,
                                                        Map<String, String> ivr) {
                    try {
                        return CompletableFuture.completedFuture(Map.of("number", number,
                                "time", RouteDryRun.parseTime(time, routing).toString(), "ivr", ivr));
                    } catch (RuntimeException e) {
                        return CompletableFuture.failedFuture(e);
                    }
                }
            };
            GatewayServices services = new GatewayServices(config, dir, tokens, sessions,
                    new EventFanout(sessions, state, CustomerLookup.FROM_CALL_DATA, "", Clock.systemUTC(), 16),
                    new CommandHandler(config, dir, state, pbx -> null, CallDataSink.NONE, id -> null,
                            new AuditLog(16), new DispositionStore(16), Clock.systemUTC()),
                    state, Runnable::run, reports, io.ctiserver.server.metrics.Operations.NONE, new TokenConnections(),
                    io.ctiserver.server.gateway.StoredData.NONE);
            api = new ApiHandler(services);
        }

        @Override
        public String name() {
            return "rest-query";
        }

        @Override
        public List<byte[]> seeds() {
            return List.of(ascii("\u0000number=5551001&time=2026-11-23T20:15:00Z&IVR_CHOICE=2"),
                    ascii("\u0000number=5551001&time=2026-11-23T20:15&dialed=6000"),
                    ascii("\u0001c1"), ascii("\u0001%63%31"), ascii("\u0002a=b"), ascii("\u0003x"),
                    ascii("\u0000number=%E2%82%AC&time=bad&&=&a&b=%zz"));
        }

        @Override
        public void run(byte[] in) {
            String[] bases = {"/api/route?", "/api/calls/", "/api/calls?", "/api/kpis?"};
            String base = bases[in.length == 0 ? 0 : Math.floorMod(in[0], bases.length)];
            String rest = new String(in, Math.min(1, in.length), Math.max(0, in.length - 1),
                    StandardCharsets.ISO_8859_1);
            StringBuilder uri = new StringBuilder(base);
            for (char c : rest.toCharArray()) {
                // Characters that would end the request line are the HTTP codec's business, not the parameters'.
                if (c <= ' ' || c >= 0x7f) {
                    uri.append('%').append(String.format("%02X", (int) c));
                } else {
                    uri.append(c);
                }
            }
            EmbeddedChannel ch = new EmbeddedChannel(new HttpServerCodec(4096, 8192, 8192),
                    new HttpObjectAggregator(65536), api);
            try {
                String req = "GET " + uri + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\n\r\n";
                ch.writeInbound(Unpooled.copiedBuffer(req, StandardCharsets.ISO_8859_1));
                ByteBuf out = Unpooled.buffer();
                for (Object o; (o = ch.readOutbound()) != null; ) {
                    if (o instanceof ByteBuf b) {
                        out.writeBytes(b);
                    }
                    ReferenceCountUtil.release(o);
                }
                String response = out.toString(StandardCharsets.ISO_8859_1);
                out.release();
                check(response.startsWith("HTTP/1.1 "), "no answer to " + uri + ": " + response);
                int status = Integer.parseInt(response.substring(9, 12));
                check(status < 500, "HTTP " + status + " for " + uri + ": " + response);
            } finally {
                ch.finishAndReleaseAll();
            }
        }
    }

    // ---- config loader -------------------------------------------------------------------------------------------

    /**
     * Any config file: every section the server binds either binds, or is refused with a clear error
     * (IllegalArgumentException, a JSON error, a time-zone error); never a NullPointerException or the like.
     */
    static final class ConfigTarget implements FuzzTarget {
        @Override
        public String name() {
            return "config";
        }

        @Override
        public List<byte[]> seeds() {
            try (var in = ServerConfig.class.getResourceAsStream(ServerConfig.DEMO_RESOURCE)) {
                return List.of(in.readAllBytes(),
                        ascii("{\"pbx\":{\"servers\":[{\"id\":\"a\",\"host\":\"h\",\"username\":\"u\",\"secret\":\"s\","
                                + "\"tls\":true,\"port\":5039,\"pingIntervalMs\":100,\"queueCapacity\":2}]}}"),
                        ascii("{\"agi\":{\"port\":0,\"envTimeoutMillis\":5,\"maxLineLength\":10},\"kpi\":{\"timeZone\":"
                                + "\"Europe/Paris\",\"windowMinutes\":15}}"),
                        ascii("{\"gateway\":{\"tls\":{\"certFile\":\"c\",\"keyFile\":\"k\"},\"users\":[{\"username\":\"a"
                                + "\",\"role\":\"agent\",\"password\":\"pbkdf2$1$AA$AA\",\"queues\":[\"q\"]}]}}"),
                        ascii("{\"sim\":{\"queues\":[{\"name\":\"q\",\"strategy\":\"ringall\",\"members\":[{\"iface\":"
                                + "\"PJSIP/1\"}]}],\"speed\":2.5}}"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void run(byte[] in) {
            ServerConfig config;
            try {
                config = ServerConfig.of(ServerConfig.mapper().readTree(in));
            } catch (IOException e) {
                return; // not JSON: refused by the loader with the parser's message
            }
            bind(() -> config.section("pbx", AmiClientConfig.class, AmiClientConfig.none()));
            bind(() -> config.section("agi", AgiConfig.class, AgiConfig.defaults()));
            bind(() -> config.section("routing", RoutingConfig.class, RoutingConfig.defaults()));
            bind(() -> config.section("kpi", KpiConfig.class, KpiConfig.defaults()).toSettings());
            bind(() -> SimConfig.from(config));
            bind(() -> {
                GatewayConfig g = config.section("gateway", GatewayConfig.class, GatewayConfig.defaults());
                for (UserConfig u : g.users()) {
                    PasswordHash.isWellFormed(u.password());
                }
                return g;
            });
        }

        private static void bind(java.util.function.Supplier<Object> s) {
            try {
                s.get();
            } catch (IllegalArgumentException | DateTimeException | UncheckedIOException e) {
                // a clear refusal
            }
        }
    }
}
