package io.ctiserver.server.gateway.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The static files of the web desktop, loaded into memory at startup so that serving them never touches the disk
 * from an event loop. From a directory (config {@code gateway.staticDir}) or, without one, the bundled {@code web/}
 * tree (agent desktop, wallboard, {@code js/cti-client.js}) from the jar or the classes directory. Bounded: at most {@value #MAX_FILES} files and {@value #MAX_BYTES} bytes.
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
            s.loadBundled();
        } else {
            s.loadDirectory(Path.of(dir));
        }
        return s;
    }

    /** The {@code web/} resource tree, wherever the class path keeps it (a jar in production, a directory in tests). */
    private void loadBundled() {
        URL index = StaticFiles.class.getResource("/web/index.html");
        if (index == null) {
            return;
        }
        try {
            URI uri = index.toURI();
            if (uri.getScheme().equals("jar")) {
                try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                    loadDirectory(jar.getPath("/web"));
                }
            } else {
                loadDirectory(Path.of(uri).getParent());
            }
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException("cannot read the bundled web files at " + index, e);
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

    /**
     * The file for a request path ({@code /} is {@code /index.html}, {@code /wallboard} is {@code /wallboard.html}),
     * or null. Paths are looked up, never resolved.
     */
    File get(String path) {
        if (path.isEmpty() || path.equals("/")) {
            path = "/index.html";
        }
        File f = files.get(path);
        return f != null || path.endsWith(".html") ? f : files.get(path + ".html");
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
