package io.ctiserver.server.gateway;

import io.ctiserver.ami.AmiActionSender;
import io.ctiserver.ami.AmiMessage;
import io.ctiserver.ami.AmiResponse;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * An AMI sender that records every action and answers as Asterisk 22 does: Success, or {@code Response: Error} with
 * Asterisk's own message (the texts are those of the captures in testdata/asterisk-22). Answers complete on
 * another thread, as the real client's do.
 */
final class FakeAmi implements AmiActionSender {

    final BlockingQueue<AmiMessage> sent = new LinkedBlockingQueue<>();
    volatile Function<AmiMessage, AmiMessage> responder = FakeAmi::asterisk;

    @Override
    public CompletableFuture<AmiResponse> send(AmiMessage action) {
        sent.add(action);
        return CompletableFuture.supplyAsync(() -> AmiResponse.of(responder.apply(action)));
    }

    AmiMessage next() throws InterruptedException {
        AmiMessage m = sent.poll(10, TimeUnit.SECONDS);
        if (m == null) {
            throw new AssertionError("no AMI action was sent");
        }
        return m;
    }

    /** Asterisk's answers: an interface it does not know, a channel that does not exist. */
    static AmiMessage asterisk(AmiMessage a) {
        String iface = a.get("Interface");
        if (iface != null && iface.contains("nowhere")) {
            return AmiMessage.of("Response", "Error", "Message", "Interface not found");
        }
        String channel = a.get("Channel");
        if (channel != null && channel.contains("gone")) {
            return AmiMessage.of("Response", "Error", "Message", "No such channel");
        }
        if ("Originate".equals(a.action())) {
            return AmiMessage.of("Response", "Success", "Message", "Originate successfully queued");
        }
        return AmiMessage.of("Response", "Success", "Message", List.of("Hangup").contains(a.action())
                ? "Channel Hungup" : "Success");
    }
}
