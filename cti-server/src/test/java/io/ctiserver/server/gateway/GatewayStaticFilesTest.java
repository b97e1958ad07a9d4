package io.ctiserver.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayStaticFilesTest {

    @Test
    void servesTheConfiguredDirectoryAndNothingOutsideIt(@TempDir Path dir) throws Exception {
        Path web = Files.createDirectories(dir.resolve("web/js"));
        Files.writeString(dir.resolve("web/index.html"), "<h1>desk</h1>");
        Files.writeString(web.resolve("app.js"), "console.log(1)");
        Files.writeString(dir.resolve("secret.txt"), "do not serve");
        GatewayConfig config = new GatewayConfig("127.0.0.1", 0, null, dir.resolve("web").toString(),
                Fixture.users(), 0, null, 0, 0, 0, 0, 0, 0, 0, 0, 0, "pbx1", null);
        try (Fixture f = new Fixture(config)) {
            assertEquals("<h1>desk</h1>", f.get("/", null).body());
            HttpResponse<String> js = f.get("/js/app.js", null);
            assertEquals("console.log(1)", js.body());
            assertEquals("text/javascript; charset=utf-8", js.headers().firstValue("content-type").orElse(""));
            assertEquals(404, f.get("/../secret.txt", null).statusCode());
            assertEquals(404, f.get("/%2e%2e/secret.txt", null).statusCode());
            assertEquals(404, f.get("/api/nothing", f.login("agent201")).statusCode());
        }
    }
}
