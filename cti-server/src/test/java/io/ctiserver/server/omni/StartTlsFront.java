package io.ctiserver.server.omni;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A STARTTLS front for one of GreenMail's plain servers, because GreenMail itself offers no STARTTLS (greenmail
 * issue 135). In clear it relays the greeting and the capability exchange, adding STARTTLS to what the server offers;
 * on the client's STARTTLS it answers as RFC 3207 (SMTP) and RFC 3501 (IMAP) say, takes the TLS handshake with its
 * own certificate, and from then on relays the decrypted bytes to the server. Every line the client sent in clear is
 * kept, so a test can check that no login travelled before the upgrade.
 */
final class StartTlsFront implements AutoCloseable {

    enum Protocol { IMAP, SMTP }

    private final Protocol protocol;
    private final int serverPort;
    private final SSLContext tls;
    private final ServerSocket listener;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "starttls-front");
        t.setDaemon(true);
        return t;
    });
    /** Handshakes completed, and refused by the client (it did not trust the certificate). */
    final AtomicInteger handshakes = new AtomicInteger();
    final AtomicInteger refusedHandshakes = new AtomicInteger();
    final List<String> clearFromClient = new CopyOnWriteArrayList<>();

    StartTlsFront(Protocol protocol, int serverPort, SSLContext tls) throws IOException {
        this.protocol = protocol;
        this.serverPort = serverPort;
        this.tls = tls;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                threads.execute(() -> serve(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client; Socket server = new Socket(InetAddress.getLoopbackAddress(), serverPort)) {
            InputStream fromServer = server.getInputStream();
            OutputStream toServer = server.getOutputStream();
            InputStream fromClient = client.getInputStream();
            OutputStream toClient = client.getOutputStream();
            write(toClient, offerStartTls(readLine(fromServer)));
            while (true) {
                String line = readLine(fromClient);
                if (line == null) {
                    return;
                }
                clearFromClient.add(line);
                if (isStartTls(line)) {
                    write(toClient, protocol == Protocol.IMAP ? tag(line) + " OK Begin TLS negotiation now"
                            : "220 2.0.0 Ready to start TLS");
                    relayOverTls(client, server);
                    return;
                }
                write(toServer, line);
                relayAnswer(line, fromServer, toClient);
            }
        } catch (IOException e) {
            // the client went away, or the test ended: nothing to keep
        }
    }

    private void relayOverTls(Socket client, Socket server) throws IOException {
        SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(client, "localhost", client.getPort(), false);
        secure.setUseClientMode(false);
        try {
            secure.startHandshake();
        } catch (IOException refused) {
            refusedHandshakes.incrementAndGet();
            throw refused;
        }
        handshakes.incrementAndGet();
        threads.execute(() -> copy(secure, server));
        copy(server, secure);
    }

    private static void copy(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException e) {
            // either side closed
        } finally {
            try {
                to.shutdownOutput();
            } catch (IOException | UnsupportedOperationException e) {
                // SSLSocket before Java 17's half-close, or already closed
            }
        }
    }

    /** Relays the server's answer to one command: SMTP up to its last line, IMAP up to the tagged line. */
    private void relayAnswer(String command, InputStream fromServer, OutputStream toClient) throws IOException {
        if (protocol == Protocol.SMTP) {
            boolean ehlo = command.toUpperCase(Locale.ROOT).startsWith("EHLO");
            String line;
            while ((line = readLine(fromServer)) != null) {
                boolean last = line.length() < 4 || line.charAt(3) != '-';
                if (last && ehlo) {
                    write(toClient, line.substring(0, 3) + "-" + line.substring(Math.min(4, line.length())));
                    write(toClient, line.substring(0, 3) + " STARTTLS");
                } else {
                    write(toClient, line);
                }
                if (last) {
                    return;
                }
            }
        } else {
            String tag = tag(command);
            String line;
            while ((line = readLine(fromServer)) != null) {
                write(toClient, offerStartTls(line));
                if (line.startsWith(tag + " ")) {
                    return;
                }
            }
        }
    }

    /** Adds STARTTLS to an IMAP capability list (an untagged CAPABILITY, or the greeting's [CAPABILITY ...]). */
    private String offerStartTls(String line) {
        if (protocol == Protocol.IMAP && line != null) {
            if (line.startsWith("* CAPABILITY ")) {
                return line + " STARTTLS";
            }
            return line.replace("[CAPABILITY ", "[CAPABILITY STARTTLS ");
        }
        return line;
    }

    private boolean isStartTls(String line) {
        String[] words = line.trim().split(" ");
        String verb = protocol == Protocol.IMAP ? (words.length > 1 ? words[1] : "") : words[0];
        return verb.equalsIgnoreCase("STARTTLS");
    }

    private static String tag(String imapCommand) {
        return imapCommand.split(" ", 2)[0];
    }

    /** One CRLF line, read a byte at a time so that nothing past it is taken from the socket before a handshake. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return null;
    }

    private static void write(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        threads.shutdownNow();
    }
}
