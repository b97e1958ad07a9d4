package io.ctiserver.server.omni.bot;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in bot: answers from the {@link KnowledgeBase}, hands over when the customer asks for a person, and
 * collects an account number when the customer gives one. Answers at once.
 */
public final class FaqBot implements Bot {

    /** A question matching an article at least this well is answered with it. */
    static final double MIN_SCORE = 0.6;
    private static final Pattern PERSON = Pattern.compile(
            "(?i)\\b(agent|human|person|somebody|someone real|representative|operator|real people|talk to (a|an|some)"
                    + " ?(one|body)?|speak to (a|an|some)one)\\b");
    private static final Pattern ACCOUNT = Pattern.compile("(?i)\\baccount(?:\\s*(?:number|no\\.?|#))?\\D{0,5}(\\d{4,12})\\b");

    private final String name;
    private final KnowledgeBase kb;

    public FaqBot(String name, KnowledgeBase kb) {
        this.name = name;
        this.kb = kb;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletableFuture<BotReply> answer(BotTurn turn) {
        Map<String, String> data = new HashMap<>();
        Matcher acc = ACCOUNT.matcher(turn.text());
        if (acc.find()) {
            data.put("account", acc.group(1));
        }
        if (PERSON.matcher(turn.text()).find()) {
            return CompletableFuture.completedFuture(new BotReply("I am passing you to a colleague now.", null, true,
                    turn.collected().get("intent"), data, true, "the customer asked for a person"));
        }
        List<KnowledgeBase.Match> m = kb.search(turn.text(), MIN_SCORE, 1);
        if (m.isEmpty()) {
            String text = data.containsKey("account")
                    ? "Thank you, I have noted your account number. What is your question?"
                    : "Sorry, I did not understand. Could you say it in other words? You can also ask for an agent.";
            return CompletableFuture.completedFuture(new BotReply(text, null, false, null, data,
                    data.containsKey("account"), null));
        }
        KnowledgeBase.Article a = m.get(0).article();
        return CompletableFuture.completedFuture(new BotReply(a.answer(), a.links(), false,
                a.intent() != null ? a.intent() : a.id(), data, true, null));
    }
}
