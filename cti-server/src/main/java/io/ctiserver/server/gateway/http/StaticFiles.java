package io.ctiserver.server.gateway.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The static files of the web desktop, loaded into memory at startup so that serving them never touches the disk
 * from an event loop. From a directory (config {@code gateway.staticDir}) or, without one, the bundled {@code web/}.
 * Bounded: at most {@value #MAX_FILES} files and {@value #MAX_BYTES} bytes.
 */
final class StaticFiles {

    static final int MAX_FILES = 2000;
    static final long MAX_BYTES = 64L << 20;

    record File(byte[] bytes, String contentType) {
    }

    private final Map<String, File> files = new HashMap<>();

    static StaticFiles load(String dir) {
        StaticFiles s = new StaticFiles();
        if (dir == null) {
            s.loadResource("index.html");
        } else {
            s.loadDirectory(Path.of(dir));
        }
        return s;
    }

    private void loadResource(String name) {
        try (InputStream in = StaticFiles.class.getResourceAsStream("/web/" + name)) {
            if (in != null) {
                files.put("/" + name, new File(in.readAllBytes(), contentType(name)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void loadDirectory(Path root) {
        long[] total = {0};
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(Files::isRegularFile).limit(MAX_FILES).forEach(p -> {
                try {
                    byte[] bytes = Files.readAllBytes(p);
                    total[0] += bytes.length;
                    if (total[0] > MAX_BYTES) {
                        throw new IllegalArgumentException("gateway.staticDir holds more than " + MAX_BYTES + " bytes");
                    }
                    String rel = "/" + root.relativize(p).toString().replace('\\', '/');
                    files.put(rel, new File(bytes, contentType(rel)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read gateway.staticDir " + root, e);
        }
    }

    /** The file for a request path ({@code /} is {@code /index.html}), or null. Paths are looked up, never resolved. */
    File get(String path) {
        if (path.isEmpty() || path.equals("/")) {
            path = "/index.html";
        }
        return files.get(path);
    }

    private static String contentType(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        int dot = n.lastIndexOf('.');
        String ext = dot < 0 ? "" : n.substring(dot + 1);
        switch (ext) {
            case "html": return "text/html; charset=utf-8";
            case "js": case "mjs": return "text/javascript; charset=utf-8";
            case "css": return "text/css; charset=utf-8";
            case "json": return "application/json";
            case "svg": return "image/svg+xml";
            case "png": return "image/png";
            case "ico": return "image/x-icon";
            case "woff2": return "font/woff2";
            default: return "application/octet-stream";
        }
    }
}
