package io.ctiserver.server.omni.bot;

import com.fasterxml.jackson.core.type.TypeReference;
import io.ctiserver.events.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A small FAQ: articles with question variants, an answer and links. Matching is by words and phrases, not by
 * meaning: a variant that appears whole in the question scores 1; otherwise the share of the variant's words (stop
 * words left out) that the question contains. Immutable once loaded; safe from any thread.
 */
public final class KnowledgeBase {

    /** One article of the knowledge-base file. */
    public record Article(String id, String intent, List<String> questions, String answer, List<String> links) {
        public Article {
            questions = questions == null ? List.of() : List.copyOf(questions);
            links = links == null ? List.of() : List.copyOf(links);
            if (id == null || answer == null || questions.isEmpty()) {
                throw new IllegalArgumentException("knowledge base: every article needs id, questions and answer");
            }
        }
    }

    public record Match(Article article, double score) {
    }

    private static final Set<String> STOP = Set.of("a", "an", "the", "i", "my", "me", "you", "your", "to", "do",
            "does", "is", "are", "can", "how", "what", "where", "when", "of", "for", "in", "on", "it", "and", "or",
            "please", "with", "be", "we", "our", "there", "this", "that", "get", "want", "would", "like", "hi",
            "hello");

    private record Variant(String phrase, Set<String> words) {
    }

    private final List<Article> articles;
    private final List<List<Variant>> variants = new ArrayList<>();

    public KnowledgeBase(List<Article> articles) {
        this.articles = List.copyOf(articles);
        for (Article a : this.articles) {
            List<Variant> vs = new ArrayList<>();
            for (String q : a.questions()) {
                String n = normalise(q);
                vs.add(new Variant(n, words(n)));
            }
            variants.add(vs);
        }
    }

    /** Reads the JSON file (an array of articles); {@code classpath:NAME} reads a bundled resource. */
    public static KnowledgeBase load(String location) throws IOException {
        try (InputStream in = location.startsWith("classpath:")
                ? KnowledgeBase.class.getClassLoader().getResourceAsStream(location.substring(10))
                : Files.newInputStream(Path.of(location))) {
            if (in == null) {
                throw new IOException("knowledge base not found: " + location);
            }
            return new KnowledgeBase(Json.mapper().readValue(in, new TypeReference<List<Article>>() { }));
        }
    }

    public List<Article> articles() {
        return articles;
    }

    /** The best matches first, each at least {@code minScore}, at most {@code limit}. */
    public List<Match> search(String question, double minScore, int limit) {
        String q = normalise(question);
        Set<String> qWords = words(q);
        List<Match> out = new ArrayList<>();
        for (int i = 0; i < articles.size(); i++) {
            double best = 0;
            for (Variant v : variants.get(i)) {
                double s;
                if (!v.phrase.isEmpty() && (" " + q + " ").contains(" " + v.phrase + " ")) {
                    s = 1.0;
                } else if (v.words.isEmpty()) {
                    s = 0;
                } else {
                    int hit = 0;
                    for (String w : v.words) {
                        if (qWords.contains(w)) {
                            hit++;
                        }
                    }
                    s = (double) hit / v.words.size();
                }
                best = Math.max(best, s);
            }
            if (best >= minScore && best > 0) {
                out.add(new Match(articles.get(i), best));
            }
        }
        out.sort(Comparator.comparingDouble(Match::score).reversed());
        return out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
    }

    static String normalise(String s) {
        String n = Normalizer.normalize(s == null ? "" : s, Normalizer.Form.NFKD).replaceAll("\\p{M}", "");
        return n.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").trim();
    }

    private static Set<String> words(String normalised) {
        Set<String> out = new HashSet<>();
        for (String w : normalised.split(" ")) {
            if (!w.isEmpty() && !STOP.contains(w)) {
                out.add(w.length() > 4 && w.endsWith("s") ? w.substring(0, w.length() - 1) : w);
            }
        }
        return out;
    }
}
