package io.ctiserver.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.FileInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With {@code gateway.tls}, REST and the WebSocket are served over TLS from PEM files. */
class GatewayTlsTest {

    @Test
    void servesHttpsAndWssFromPemFiles(@TempDir Path dir) throws Exception {
        // A self-signed certificate made with the JDK's own keytool, exported to PEM.
        Path p12 = dir.resolve("gw.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "gw", "-keyalg", "EC", "-groupname",
                "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", p12.toString(), "-storepass", "changeit").inheritIO().start();
        assertEquals(0, p.waitFor(60, TimeUnit.SECONDS) ? p.exitValue() : -1);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(p12.toFile())) {
            ks.load(in, "changeit".toCharArray());
        }
        Certificate cert = ks.getCertificate("gw");
        Path certPem = dir.resolve("cert.pem");
        Path keyPem = dir.resolve("key.pem");
        Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()), StandardCharsets.US_ASCII);
        Files.writeString(keyPem, pem("PRIVATE KEY", ks.getKey("gw", "changeit".toCharArray()).getEncoded()),
                StandardCharsets.US_ASCII);

        GatewayConfig config = new GatewayConfig("127.0.0.1", 0,
                new GatewayConfig.Tls(certPem.toString(), keyPem.toString(), null), null, Fixture.users(), 0, null,
                0, 0, 0, 0, 0, 0, 0, 0, 0, "pbx1", null);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("gw", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder().sslContext(ssl).build();

        try (Fixture f = new Fixture(config)) {
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + f.port() + "/api/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            Fixture.contract("GET", "/api/health", health);
            assertEquals(200, health.statusCode());
            HttpResponse<String> login = client.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + f.port() + "/api/login")).POST(HttpRequest.BodyPublishers
                    .ofString("{\"username\":\"agent201\",\"password\":\"" + Fixture.PASSWORD + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            Fixture.contract("POST", "/api/login", login);
            String token = Json.MAPPER.readTree(login.body()).get("token").asText();
            WsClient ws = new WsClient(client, URI.create("wss://127.0.0.1:" + f.port() + "/ws?token=" + token));
            assertEquals("agent201", ws.next("welcome").get("user").asText());
            ws.close();
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
