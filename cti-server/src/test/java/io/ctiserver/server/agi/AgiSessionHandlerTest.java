package io.ctiserver.server.agi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.server.agi.codec.AgiDecoder;
import io.ctiserver.server.agi.codec.AgiEncoder;
import io.ctiserver.testing.Captures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The whole FastAGI pipeline on an EmbeddedChannel: dialog, HANGUP, malformed environment, unknown script. */
class AgiSessionHandlerTest {

    final AtomicReference<Throwable> scriptError = new AtomicReference<>();
    final AtomicReference<Optional<String>> readValue = new AtomicReference<>();

    /** Reads CHANNEL(name), then sets CTI_ROUTE: the captured dialog. */
    AgiScript script = new AgiScript() {
        @Override
        public String name() {
            return "route";
        }

        @Override
        public CompletableFuture<?> run(AgiSession s) {
            return s.getVariable("CHANNEL(name)")
                    .thenAccept(readValue::set)
                    .thenCompose(x -> s.setVariable("CTI_ROUTE", "support"))
                    .whenComplete((x, e) -> scriptError.set(e));
        }
    };

    EmbeddedChannel channel() {
        return new EmbeddedChannel(new AgiDecoder(), new AgiEncoder(),
                new AgiSessionHandler(Map.of("route", script), AgiConfig.defaults()));
    }

    static String written(EmbeddedChannel ch) {
        StringBuilder sb = new StringBuilder();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            sb.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        return sb.toString();
    }

    static ByteBuf in(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    @Test
    void replaysTheCapturedDialog() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(Captures.bytes("agi/agi_env_local_channel_queue_support.txt")));
        assertEquals("GET VARIABLE \"CHANNEL(name)\"\n", written(ch), "one command at a time");
        ch.writeInbound(in("200 result=1 (Local/5000@incoming-00000000;2)\n"));
        assertEquals(Optional.of("Local/5000@incoming-00000000;2"), readValue.get());
        assertEquals("SET VARIABLE \"CTI_ROUTE\" \"support\"\n", written(ch));
        assertTrue(ch.isOpen());
        ch.writeInbound(in("200 result=1\n"));
        ch.runPendingTasks();
        assertNull(scriptError.get());
        assertFalse(ch.isOpen(), "closed when the script is done");
    }

    @Test
    void hangupFailsThePendingCommandAndCloses() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(Captures.bytes("agi/agi_env_pjsip_channel_sipp_call.txt")));
        written(ch);
        ch.writeInbound(in("HANGUP\n"));
        ch.runPendingTasks();
        assertFalse(ch.isOpen());
        assertEquals(AgiException.Kind.HANGUP, AgiException.of(scriptError.get()).kind());
        assertEquals("", written(ch), "nothing more is sent");
    }

    @Test
    void malformedEnvironmentClosesWithoutACommand() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(in("agi_request: agi://x/route\nbroken line\n\n"));
        ch.runPendingTasks();
        assertFalse(ch.isOpen());
        assertEquals("", written(ch));
        assertNull(readValue.get(), "the script never ran");
    }

    @Test
    void unknownScriptIsAnsweredWithFailure() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(in(new String(Captures.bytes("agi/agi_env_pjsip_channel_sipp_call.txt"),
                StandardCharsets.UTF_8).replace("/route", "/nope").replace("script: route", "script: nope")));
        ch.runPendingTasks();
        assertEquals("FAILURE\n", written(ch));
        assertFalse(ch.isOpen());
    }

    @Test
    void tooManyQueuedCommandsFailInsteadOfGrowing() {
        AgiConfig small = new AgiConfig(null, null, null, null, null, null, null, 2, null, null, null, null, null);
        List<CompletableFuture<?>> sent = new java.util.ArrayList<>();
        AgiScript greedy = new AgiScript() {
            @Override
            public String name() {
                return "route";
            }

            @Override
            public CompletableFuture<?> run(AgiSession s) {
                for (int i = 0; i < 4; i++) {
                    sent.add(s.verbose("line " + i, 1));
                }
                return new CompletableFuture<>();
            }
        };
        EmbeddedChannel ch = new EmbeddedChannel(new AgiDecoder(), new AgiEncoder(),
                new AgiSessionHandler(Map.of("route", greedy), small));
        ch.writeInbound(Unpooled.wrappedBuffer(Captures.bytes("agi/agi_env_pjsip_channel_sipp_call.txt")));
        // the first is in flight, two wait, the fourth is refused
        assertTrue(sent.get(3).isCompletedExceptionally());
        assertFalse(sent.get(2).isDone());
        ch.close();
    }
}
