package io.ctiserver.server.gateway.commands.chat;

import io.ctiserver.contact.ContactException;
import io.ctiserver.contact.StoredContact;
import io.ctiserver.server.gateway.auth.User;
import io.ctiserver.server.gateway.commands.CommandError;
import io.ctiserver.server.gateway.commands.CommandError.Code;
import io.ctiserver.server.gateway.commands.CommandException;
import io.ctiserver.server.gateway.commands.CommandFamily;
import io.ctiserver.server.gateway.commands.CommandResult;
import io.ctiserver.server.gateway.commands.CommandSupport;
import io.ctiserver.server.gateway.commands.Fields;
import io.ctiserver.server.gateway.commands.Invocation;
import io.ctiserver.server.omni.OmniException;
import io.ctiserver.server.omni.OmniService;
import io.ctiserver.server.omni.bot.KnowledgeBase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;

/**
 * Chats and emails on the desktop: ready for contacts, accept or decline an offer, reply, typing, transfer to an agent
 * or a queue, close with a disposition, a contact's details and stored transcript, and the knowledge base search. An
 * agent acts only on contacts offered to or owned by them (the router checks ownership); supervisors may read any.
 * Works over the WebSocket and {@code POST /api/commands} alike.
 */
public final class ChatCommands implements CommandFamily {

    private static final Pattern CONTACT_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9_.@-]{1,64}");

    private final CommandSupport s;
    private final OmniService omni;

    public ChatCommands(CommandSupport support, OmniService omni) {
        this.s = support;
        this.omni = omni;
    }

    @Override
    public Set<String> commands() {
        return Set.of("contact.ready", "contact.accept", "contact.decline", "contact.reply", "contact.typing",
                "contact.transfer", "contact.close", "contact.get", "contact.list", "contact.record", "contact.kpis",
                "kb.search");
    }

    @Override
    public CompletableFuture<CommandResult> run(Invocation inv) {
        User u = inv.user();
        if (!Set.of("kb.search", "contact.record", "contact.get", "contact.kpis").contains(inv.name())
                && u.role() != io.ctiserver.server.gateway.auth.Role.AGENT && u.iface() == null) {
            throw new CommandException(Code.FORBIDDEN, "only agents handle contacts");
        }
        CompletableFuture<Map<String, Object>> f = switch (inv.name()) {
            case "contact.ready" -> ready(inv);
            case "contact.accept" -> omni.accept(u.username(), id(inv)).thenApply(v -> Map.of("contact", v));
            case "contact.decline" -> omni.decline(u.username(), id(inv)).thenApply(v -> Map.of());
            case "contact.reply" -> {
                String id = id(inv);
                String text = inv.req().text("text", omni.config().chat().maxMessageChars() * 10);
                yield omni.agentMessage(u.username(), id, text).thenApply(e -> Map.of("entry", e));
            }
            case "contact.typing" -> omni.agentTyping(u.username(), id(inv)).thenApply(v -> Map.of());
            case "contact.transfer" -> transfer(inv);
            case "contact.close" -> {
                String id = id(inv);
                String disposition = inv.req().required("disposition", Fields.CODE, "a disposition code");
                String notes = inv.req().optional("notes");
                yield omni.close(u.username(), id, disposition, notes).thenApply(r -> Map.of("record", r));
            }
            case "contact.get" -> omni.details(u.username(), u.role().supervises(), id(inv))
                    .thenApply(d -> Map.of("contact", d));
            case "contact.list" -> omni.contactsOf(u.username()).thenApply(l -> Map.of("contacts", l));
            case "contact.record" -> record(inv);
            case "kb.search" -> CompletableFuture.completedFuture(kb(inv));
            case "contact.kpis" -> {
                if (!u.role().supervises()) {
                    throw new CommandException(Code.FORBIDDEN, "only supervisors read the KPIs");
                }
                inv.target("kpis");
                yield CompletableFuture.completedFuture(Map.of("kpis", omni.kpis(), "agents", omni.loads()));
            }
            default -> throw new IllegalArgumentException(inv.name());
        };
        return f.handle((data, ex) -> ex == null ? CommandResult.success(data) : error(ex));
    }

    private CompletableFuture<Map<String, Object>> ready(Invocation inv) {
        boolean ready = inv.req().requiredBoolean("ready");
        String qs = inv.req().optional("queues");
        List<String> queues = new ArrayList<>();
        if (qs != null && !qs.isBlank()) {
            for (String q : qs.split(",")) {
                if (!Fields.QUEUE.matcher(q.trim()).matches()) {
                    throw new CommandException(Code.INVALID_FIELD, "field 'queues' must be queue names separated by commas");
                }
                queues.add(q.trim());
            }
        } else {
            queues.addAll(inv.user().queues());
        }
        inv.target(inv.user().username());
        return omni.ready(inv.user().username(), ready, queues).thenApply(l -> Map.of("load", l));
    }

    private CompletableFuture<Map<String, Object>> transfer(Invocation inv) {
        String id = id(inv);
        String agent = inv.req().optional("agent");
        String queue = inv.req().optional("queue");
        if ((agent == null) == (queue == null)) {
            throw new CommandException(Code.MISSING_FIELD, "give either 'agent' or 'queue'");
        }
        if (agent != null && !USERNAME.matcher(agent).matches()) {
            throw new CommandException(Code.INVALID_FIELD, "field 'agent' must be a username");
        }
        if (queue != null && !Fields.QUEUE.matcher(queue).matches()) {
            throw new CommandException(Code.INVALID_FIELD, "field 'queue' must be a queue name");
        }
        return omni.transfer(inv.user().username(), id, agent, queue).thenApply(v -> Map.of());
    }

    /** A stored contact; the store may read a database, so this runs on the store's thread, not the caller's. */
    private CompletableFuture<Map<String, Object>> record(Invocation inv) {
        String id = id(inv);
        User u = inv.user();
        return omni.store().findAsync(id).handle((found, ex) -> {
            if (ex != null) {
                throw new CommandException(Code.PBX_UNAVAILABLE, "the contact store did not answer; retry");
            }
            StoredContact c = found.orElseThrow(
                    () -> new CommandException(Code.NOT_FOUND, "no stored contact '" + id + "'"));
            if (!u.role().supervises() && !u.username().equals(c.record().agent())) {
                throw new CommandException(Code.FORBIDDEN, "contact " + id + " was not yours");
            }
            return Map.of("record", c.record(), "transcript", c.transcript());
        });
    }

    private Map<String, Object> kb(Invocation inv) {
        String q = inv.req().required("q");
        inv.target("kb");
        KnowledgeBase kb = omni.knowledgeBase();
        if (kb == null) {
            throw new CommandException(Code.NOT_FOUND, "no knowledge base is configured (omni.bot.knowledgeBase)");
        }
        List<Map<String, Object>> hits = new ArrayList<>();
        for (KnowledgeBase.Match m : kb.search(q, 0.3, 10)) {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("id", m.article().id());
            h.put("score", Math.round(m.score() * 100) / 100.0);
            h.put("question", m.article().questions().get(0));
            h.put("answer", m.article().answer());
            h.put("links", m.article().links());
            hits.add(h);
        }
        return Map.of("results", hits);
    }

    private static String id(Invocation inv) {
        String id = inv.req().required("contactId", CONTACT_ID, "a contact id");
        inv.target(id);
        return id;
    }

    private static CommandResult error(Throwable ex) {
        Throwable t = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
        if (t instanceof ContactException ce) {
            Code code = switch (ce.reason()) {
                case NOT_FOUND, UNKNOWN_AGENT -> Code.NOT_FOUND;
                case NOT_YOURS -> Code.FORBIDDEN;
                case WRONG_STATE, NO_CAPACITY -> Code.INVALID_FIELD;
            };
            return CommandResult.error(CommandError.of(code, ce.getMessage()));
        }
        if (t instanceof OmniException oe) {
            Code code = switch (oe.code()) {
                case "not_found" -> Code.NOT_FOUND;
                case "busy" -> Code.RATE_LIMITED;
                default -> Code.INVALID_FIELD;
            };
            return CommandResult.error(CommandError.of(code, oe.getMessage()));
        }
        if (t instanceof CommandException) {
            return CommandSupport.failure(t);
        }
        // SMTP and other I/O: the reply was not sent; the agent may send it again.
        return CommandResult.error(new CommandError("send_failed", "not sent: " + t.getMessage(), null));
    }

}
