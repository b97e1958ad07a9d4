package io.ctiserver.server.fuzz;

import static io.ctiserver.server.fuzz.FuzzTarget.check;
import static io.ctiserver.server.fuzz.FuzzTargets.ascii;

import io.ctiserver.server.gateway.http.ApiHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** GET requests with fuzzed paths and query strings, as the admin: one answer each, never a 5xx. */
final class RestQueryTarget implements FuzzTarget {
    private final ApiHandler api;
    private final String token;
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    RestQueryTarget() {
        FuzzGateway gateway = FuzzGateway.create();
        api = new ApiHandler(gateway.services());
        token = gateway.adminToken();
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
                uri.append('%').append(HEX[c >> 4]).append(HEX[c & 15]);
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
            // The rate limit is out of reach here (FuzzTargets.gatewayConfig): a 429 would mean nothing was parsed.
            check(status != 429, "HTTP 429 for " + uri);
        } finally {
            ch.finishAndReleaseAll();
        }
    }
}
