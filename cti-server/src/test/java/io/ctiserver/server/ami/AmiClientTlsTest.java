package io.ctiserver.server.ami;

import static io.ctiserver.ami.AmiLinkState.CONNECTED;
import static io.ctiserver.ami.AmiLinkState.CONNECTING;
import static io.ctiserver.ami.AmiLinkState.DISCONNECTED;
import static io.ctiserver.ami.AmiLinkState.FULLY_BOOTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.ami.AmiResponse;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** AMI over TLS against a scripted server with a certificate made for the test. */
class AmiClientTlsTest {

    // Made once: generating one takes about 2 s on the 2-core CI machine.
    private static SelfSignedCertificate cert;
    private static SelfSignedCertificate other;
    private EventLoopGroup group;

    @BeforeAll
    static void certificates() throws Exception {
        cert = new SelfSignedCertificate("localhost", "EC", 256);
        other = new SelfSignedCertificate("localhost", "EC", 256);
    }

    @AfterAll
    static void deleteCertificates() {
        cert.delete();
        other.delete();
    }

    @BeforeEach
    void setUp() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterEach
    void tearDown() throws Exception {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5_000);
    }

    @Test
    void logsInAndRunsActionsOverTls() throws Exception {
        try (ScriptedAmiServer server = new ScriptedAmiServer(serverContext().getServerSocketFactory(), conn -> {
            conn.acceptLogin();
            for (AmiMessage a; (a = conn.readAction()) != null; ) {
                conn.send("Response: Success\r\nActionID: " + a.actionId() + "\r\nPing: Pong\r\n\r\n");
            }
        })) {
            RecordingListener listener = new RecordingListener();
            PbxConfig config = PbxConfig.of("pbx-tls", "localhost", server.port(), "cti", "secret")
                    .withTls(cert.certificate().getPath());
            try (AmiClient client = new AmiClient(config, listener, group)) {
                client.start();
                listener.expectStates(CONNECTING, CONNECTED, FULLY_BOOTED);
                AmiResponse pong = client.send(AmiMessage.of("Action", "Ping")).get(15, TimeUnit.SECONDS);
                assertEquals("Pong", pong.response().get("Ping"));
                assertEquals("secret", server.actions().get(0).get("Secret"));
            }
        }
    }

    @Test
    void anUntrustedCertificateNeverGetsTheLogin() throws Exception {
        try (ScriptedAmiServer server = new ScriptedAmiServer(serverContext().getServerSocketFactory(), conn -> {
            conn.acceptLogin();
        })) {
            RecordingListener listener = new RecordingListener();
            PbxConfig config = PbxConfig.of("pbx-tls", "localhost", server.port(), "cti", "secret")
                    .withTls(other.certificate().getPath()).withBackoff(5_000, 10_000, 60_000);
            try (AmiClient client = new AmiClient(config, listener, group)) {
                client.start();
                listener.expectStates(CONNECTING, DISCONNECTED);
                assertTrue(server.actions().isEmpty(), "no Login sent to a server we do not trust");
            }
        }
    }

    @Test
    void withoutATrustFileTheJvmTrustStoreDecidesAndRefusesASelfSignedCertificate() throws Exception {
        try (ScriptedAmiServer server = new ScriptedAmiServer(serverContext().getServerSocketFactory(), conn -> {
            conn.acceptLogin();
        })) {
            RecordingListener listener = new RecordingListener();
            // tls on, no tlsTrustCertificate: verification is on by default, with the JVM's CAs only.
            PbxConfig config = new PbxConfig("pbx-tls", "localhost", server.port(), "cti", "secret", false, true,
                    null, false, 0, 0, 0, 0, 0, 5_000, 10_000, 60_000, 0, 0, 0, 0);
            try (AmiClient client = new AmiClient(config, listener, group)) {
                client.start();
                listener.expectStates(CONNECTING, DISCONNECTED);
                assertTrue(server.actions().isEmpty(), "no Login sent to a certificate no CA signed");
            }
        }
    }

    @Test
    void aTrustedCertificateForAnotherNameIsRefusedUnlessTheHostCheckIsSwitchedOff() throws Exception {
        for (boolean skip : new boolean[] {false, true}) {
            try (ScriptedAmiServer server = new ScriptedAmiServer(serverContext().getServerSocketFactory(), conn -> {
                conn.acceptLogin();
                for (AmiMessage a; (a = conn.readAction()) != null; ) {
                    conn.send("Response: Success\r\nActionID: " + a.actionId() + "\r\n\r\n");
                }
            })) {
                RecordingListener listener = new RecordingListener();
                // The certificate names "localhost"; the client dials the address.
                PbxConfig config = new PbxConfig("pbx-tls", "127.0.0.1", server.port(), "cti", "secret", false, true,
                        cert.certificate().getPath(), skip, 0, 0, 0, 0, 0, 5_000, 10_000, 60_000, 0, 0, 0, 0);
                try (AmiClient client = new AmiClient(config, listener, group)) {
                    client.start();
                    if (skip) {
                        listener.expectStates(CONNECTING, CONNECTED, FULLY_BOOTED);
                    } else {
                        listener.expectStates(CONNECTING, DISCONNECTED);
                        assertTrue(server.actions().isEmpty(), "no Login sent to a certificate for another name");
                    }
                }
            }
        }
    }

    private SSLContext serverContext() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] password = "test".toCharArray();
        ks.setKeyEntry("ami", cert.key(), password, new Certificate[] {cert.cert()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }
}
