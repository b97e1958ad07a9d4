package io.ctiserver.server.agi.connector;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.ctiserver.routing.survey.SurveyResponse;
import io.ctiserver.routing.survey.SurveyStore;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Survey answers appended to a JSON-lines file (one answer per line, never rewritten), on a writer thread of its
 * own so that an event loop never waits for the disk. The newest {@code memoryCapacity} answers are also kept in
 * memory for the CSAT figure; existing lines are read back at start.
 */
public final class JsonLinesSurveyStore implements SurveyStore, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JsonLinesSurveyStore.class);
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final BufferedWriter out;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "survey-writer");
        t.setDaemon(true);
        return t;
    });
    private final Deque<SurveyResponse> recent = new ArrayDeque<>();
    private final int memoryCapacity;

    public JsonLinesSurveyStore(Path file, int memoryCapacity) throws IOException {
        this.memoryCapacity = memoryCapacity;
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        if (Files.exists(file)) {
            int lineNo = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    remember(JSON.readValue(line, SurveyResponse.class));
                } catch (IOException | IllegalArgumentException e) {
                    LOG.warn("survey file {} line {} skipped: {}", file, lineNo, e.getMessage());
                }
            }
        }
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    @Override
    public CompletableFuture<Void> add(SurveyResponse response) {
        remember(response);
        return CompletableFuture.runAsync(() -> {
            try {
                out.write(JSON.writeValueAsString(response));
                out.newLine();
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, writer);
    }

    private void remember(SurveyResponse r) {
        synchronized (recent) {
            recent.addLast(r);
            while (recent.size() > memoryCapacity) {
                recent.removeFirst();
            }
        }
    }

    @Override
    public List<SurveyResponse> all() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }

    @Override
    public void close() throws IOException {
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.close();
    }
}
