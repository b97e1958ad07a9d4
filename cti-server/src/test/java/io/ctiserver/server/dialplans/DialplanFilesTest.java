package io.ctiserver.server.dialplans;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.routing.RoutingConfig;
import io.ctiserver.server.ami.AmiClientConfig;
import io.ctiserver.server.config.ServerConfig;
import io.ctiserver.server.gateway.GatewayConfig;
import io.ctiserver.server.gateway.auth.UserConfig;
import io.ctiserver.server.agi.AgiConfig;
import io.ctiserver.tracker.TrackerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * dialplans/ works as a whole: the example server config loads and passes the start-up check, and every context,
 * extension, queue and endpoint that it, the call-control commands and the tracker rely on exists in
 * extensions.conf, queues.conf and pjsip.conf; the dialplan only jumps to places that exist and only plays prompts of
 * Asterisk's core sound set.
 */
class DialplanFilesTest {

    /**
     * Prompts of Asterisk's core English sound set (asterisk-core-sounds-en, core-sounds-en.txt) that the files use.
     * A prompt not listed here must be added only after checking it is in that list.
     */
    static final Set<String> CORE_PROMPTS = Set.of("beep", "vm-nobodyavail", "please-try-call-later", "vm-goodbye",
            "auth-thankyou", "ss-noservice", "queue-thankyou", "queue-youarenext", "queue-thereare",
            "queue-callswaiting");

    static Path dir;
    static Dialplan dialplan;
    static AsteriskConf queues;
    static AsteriskConf pjsip;
    static ServerConfig example;

    @BeforeAll
    static void load() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(root.resolve("dialplans"))) {
            root = root.getParent();
        }
        dir = root.resolve("dialplans");
        dialplan = new Dialplan(AsteriskConf.read(dir.resolve("extensions.conf")));
        queues = AsteriskConf.read(dir.resolve("queues.conf"));
        pjsip = AsteriskConf.read(dir.resolve("pjsip.conf"));
        // the example names files under /etc and the repository root: say where they are here, as an operator would
        example = ServerConfig.load(dir.resolve("cti-server.example.yaml"), Map.of(
                "CTI_PBX_SERVERS_0_SECRET", "from-the-environment",
                "CTI_ROUTING_CUSTOMERS_FILE", dir.resolve("customers.example.csv").toString()));
    }

    @Test
    void theExampleConfigLoadsAndBinds() {
        assertEquals("pbx1", example.section("pbx", AmiClientConfig.class, null).servers().get(0).id());
        assertEquals("from-the-environment", example.section("pbx", AmiClientConfig.class, null).servers().get(0)
                .secret());
        GatewayConfig g = example.section("gateway", GatewayConfig.class, null);
        assertEquals("pbx1", g.defaultPbx());
        assertEquals(7, g.users().size());
    }

    @Test
    void callControlContextsExist() {
        GatewayConfig.Dialplan d = example.section("gateway", GatewayConfig.class, null).dialplan();
        assertTrue(dialplan.matches(d.dialContext(), "0499123456"), "click-to-dial to an outside number");
        assertTrue(dialplan.matches(d.dialContext(), "+3215551234"), "click-to-dial in E.164");
        assertTrue(dialplan.matches(d.dialContext(), "202"), "click-to-dial to an agent");
        for (String target : List.of("202", "600", "700", "0499123456")) {
            assertTrue(dialplan.matches(d.transferContext(), target), "transfer to " + target);
        }
        assertTrue(dialplan.matches(d.holdContext(), d.holdExten()), "hold: music for the caller");
        assertTrue(dialplan.matches(d.holdContext(), d.parkExten()), "hold: the agent's leg waits");
        assertTrue(dialplan.matches(d.conferenceContext(), "173321640012"), "a room named by a Linkedid's digits");
        // the defaults are the example's contexts too: a config that leaves them out works with these files
        assertEquals(GatewayConfig.Dialplan.DEFAULT, d);
    }

    @Test
    void theTrackersContextsExist() {
        TrackerOptions t = TrackerOptions.defaults();
        assertTrue(t.inboundContexts().contains("incoming") && dialplan.hasContext("incoming"));
        t.holdContexts().forEach(c -> assertTrue(dialplan.hasContext(c), c));
        t.conferenceContexts().forEach(c -> assertTrue(dialplan.hasContext(c), c));
        assertTrue(pjsip.all("trunk").stream().anyMatch(s -> s.values("context").contains("incoming")),
                "the trunk delivers calls to an inbound context");
    }

    @Test
    void everyQueueRoutingCanChooseIsReachable() throws Exception {
        assertQueuesReachable(example.section("routing", RoutingConfig.class, null));
        // the routing rules alone (route --dry-run) name the same queues
        ServerConfig rules = ServerConfig.load(dir.resolve("routing-config.example.json"), Map.of(
                "CTI_ROUTING_CUSTOMERS_FILE", dir.resolve("customers.example.csv").toString()));
        assertQueuesReachable(rules.section("routing", RoutingConfig.class, null));
    }

    private static void assertQueuesReachable(RoutingConfig r) {
        Set<String> targets = new HashSet<>();
        targets.add(r.defaultQueue());
        r.skills().forEach(s -> targets.add(s.queue()));
        r.overflow().forEach(o -> {
            targets.add(o.queue());
            targets.add(o.target());
        });
        targets.add(r.hours().afterHoursQueue());
        targets.add(dialplan.globals.get("CTI_FALLBACK_QUEUE"));
        for (String q : targets) {
            assertTrue(dialplan.matches("cti-queue", q), "cti-queue handles " + q);
            boolean special = dialplan.extensions.get("cti-queue").contains(q);
            assertTrue(special || queues.has(q), q + " is a queue of queues.conf");
        }
        assertTrue(dialplan.steps.stream().anyMatch(s -> s.context().equals("incoming")
                && s.app().equals("Set") && s.args().equals("QUEUE_PRIO=${CTI_PRIORITY}")), "QUEUE_PRIO");
        assertTrue(dialplan.steps.stream().anyMatch(s -> s.context().equals("incoming")
                && s.app().equals("Dial") && s.args().startsWith("${CTI_AGENT},${CTI_AGENT_TIMEOUT}")),
                "dedicated agent first");
    }

    @Test
    void everyAgentIsAnEndpointAndAQueueMember() {
        Set<String> members = new HashSet<>();
        queues.sections().values().forEach(list -> list.forEach(s -> s.values("member").forEach(
                m -> members.add(m.split(",")[0].strip()))));
        for (UserConfig u : example.section("gateway", GatewayConfig.class, null).users()) {
            for (String iface : new String[] {u.iface(), u.device()}) {
                if (iface != null) {
                    assertTrue(iface.startsWith("PJSIP/") && pjsip.all(iface.substring(6)).stream()
                            .anyMatch(s -> s.values("type").contains("endpoint")
                                    || s.header().contains("agent-template")), iface + " is a pjsip.conf endpoint");
                }
            }
            if (u.iface() != null) {
                assertTrue(members.contains(u.iface()), u.iface() + " is a member of a queue");
            }
        }
    }

    @Test
    void theDialplanUsesOnlyTheServersScriptsAndJumpsOnlyToPlacesThatExist() {
        Pattern agi = Pattern.compile("^\\$\\{CTI_AGI}/([a-z]+),");
        List<String> scripts = new ArrayList<>();
        List<String> broken = new ArrayList<>();
        for (Dialplan.Step s : dialplan.steps) {
            if (s.app().equals("AGI")) {
                Matcher m = agi.matcher(s.args());
                assertTrue(m.find(), "AGI through CTI_AGI: " + s);
                scripts.add(m.group(1));
            }
            String target = switch (s.app()) {
                case "Goto" -> s.args();
                // Gosub(context,exten,priority(arg1,...)): the arguments are not part of the place.
                case "Gosub" -> s.args().contains("(") ? s.args().substring(0, s.args().indexOf('(')) : s.args();
                case "GotoIf" -> s.args().substring(s.args().lastIndexOf('?') + 1);
                default -> null;
            };
            if (target == null) {
                continue;
            }
            for (String branch : target.split(":")) {
                String[] p = branch.split(",");
                if (p.length == 2) { // exten,priority in the same context
                    p = new String[] {s.context(), p[0], p[1]};
                }
                if (p.length == 3 && !p[0].contains("$")) {
                    boolean ok = dialplan.hasContext(p[0]) && (p[1].contains("$") || dialplan.matches(p[0], p[1]));
                    if (!ok) {
                        broken.add(s + " -> " + branch);
                    }
                }
            }
        }
        assertEquals(List.of(), broken);
        assertEquals(Set.of("route", "survey"), Set.copyOf(scripts), "the FastAGI scripts the server has");
        dialplan.includes.forEach((c, inc) -> inc.stream().filter(i -> !i.equals("parkedcalls"))
                .forEach(i -> assertTrue(dialplan.hasContext(i), c + " includes " + i)));
    }

    @Test
    void onlyCorePromptsOrPromptsRecordedWithTheGivenExtensions() {
        List<String> unknown = new ArrayList<>();
        for (Dialplan.Step s : dialplan.steps) {
            String prompt = switch (s.app()) {
                case "Playback", "Background" -> s.args().split(",")[0];
                case "Read" -> s.args().split(",")[1];
                default -> null;
            };
            if (prompt == null) {
                continue;
            }
            if (prompt.startsWith("${") && prompt.endsWith("}")) {
                prompt = dialplan.globals.get(prompt.substring(2, prompt.length() - 1));
            }
            boolean recordedHere = s.context().equals("cti-record-prompts") && prompt != null
                    && prompt.startsWith("cti/");
            if (prompt == null || !(CORE_PROMPTS.contains(prompt) || recordedHere)) {
                unknown.add(s.toString());
            }
        }
        assertEquals(List.of(), unknown);
        assertTrue(CORE_PROMPTS.contains(example.section("agi", AgiConfig.class, null).surveyPrompt()),
                "the survey prompt exists until cti/survey is recorded");
        // every prompt recorded by cti-record-prompts is one the comments tell how to use
        for (Dialplan.Step s : dialplan.steps) {
            if (s.app().equals("Record")) {
                assertTrue(s.args().startsWith("cti/"), s.toString());
            }
        }
    }

    @Test
    void theManagerUserHasLeastPrivilege() throws Exception {
        AsteriskConf manager = AsteriskConf.read(dir.resolve("manager.conf"));
        AsteriskConf.Section cti = manager.all("cti").get(0);
        assertEquals(List.of("call,agent,dialplan,system,user"), cti.values("read"));
        assertEquals(List.of("call,agent,originate,reporting,system"), cti.values("write"));
        assertFalse(cti.values("writetimeout").isEmpty());
        assertTrue(cti.lines().stream().anyMatch(e -> e.getKey().startsWith("eventfilter(action(exclude)")));
        assertEquals(List.of("no"), manager.all("general").get(0).values("timestampevents"));
    }

    /** An event the server reads must not be dropped by an event filter (presence was, in an earlier manager.conf). */
    @Test
    void noEventTheServerReadsIsFilteredOut() throws Exception {
        AsteriskConf.Section cti = AsteriskConf.read(dir.resolve("manager.conf")).all("cti").get(0);
        List<String> used = List.of("DeviceStateChange", "ExtensionStatus", "ContactStatus", "UserEvent",
                "Newchannel", "Newstate", "Hangup", "DialBegin", "DialEnd", "BridgeEnter", "BridgeLeave", "Hold",
                "Unhold", "QueueCallerJoin", "QueueCallerLeave", "QueueCallerAbandon", "AgentCalled", "AgentConnect",
                "AgentComplete", "QueueMemberPause", "Newexten", "FullyBooted", "MixMonitorStart", "ParkedCall");
        for (Map.Entry<String, String> line : cti.lines()) {
            String key = line.getKey();
            if (!key.startsWith("eventfilter(action(exclude)")) {
                continue;
            }
            for (String event : used) {
                // a filter on the name alone drops the event; one with a header(...) drops only some (VarSet)
                assertFalse(key.contains("name(" + event + ")") && !key.contains("header("), key);
            }
        }
    }

    /** [cti-phone-features]: each code sets what the simulator's model of it sets, and tells the server. */
    @Test
    void thePhoneFeatureCodesAreTheSimulatorsContract() {
        assertTrue(dialplan.matches("from-agents", "*78"), "the phones reach the feature codes");
        int codes = 0;
        for (Dialplan.Step st : dialplan.steps) {
            if (!st.context().equals("cti-phone-features") || !st.app().equals("Gosub")) {
                continue;
            }
            codes++;
            String digits = st.exten().startsWith("_") ? st.exten().substring(1, 4) + "5551234" : st.exten();
            Matcher m = Pattern.compile("cti-phone-set,s,1\\((\\w+),(.*)\\)").matcher(st.args());
            assertTrue(m.matches(), st.toString());
            var modelled = io.ctiserver.server.sim.phone.PhoneFeatureCodes.parse(digits).orElseThrow(
                    () -> new AssertionError("the simulator does not model " + digits));
            assertEquals(m.group(1), modelled.setting(), digits);
            String value = m.group(2).equals("${EXTEN:3}") ? digits.substring(3) : m.group(2);
            assertEquals(value, modelled.value(), digits);
        }
        assertEquals(8, codes);
        List<String> set = dialplan.steps.stream().filter(st -> st.context().equals("cti-phone-set"))
                .map(st -> st.app() + "(" + st.args() + ")").toList();
        assertTrue(set.contains("Set(DB(CTI_DND/${ext})=${ARG2})"), set.toString());
        assertTrue(set.contains("Set(DB(CTI_FWD/${ext}/${ARG1})=${ARG2})"), set.toString());
        assertTrue(set.contains("UserEvent(" + io.ctiserver.presence.PhoneSetting.USER_EVENT
                + ",Extension: ${ext},Setting: ${ARG1},Value: ${ARG2})"), set.toString());
    }

    @Test
    void theAttendedTransferHasAFeatureCodeAndNoPromptToLoseDigitsBehind() throws Exception {
        // Asterisk 22 refuses Atxfer without an atxfer code, and lost the target's digits behind pbx-transfer (live run)
        AsteriskConf features = AsteriskConf.read(dir.resolve("features.conf"));
        assertEquals(List.of("*2"), features.all("featuremap").get(0).values("atxfer"));
        assertEquals(List.of(""), features.all("general").get(0).values("transferannouncesound"));
    }

    @Test
    void patternMatchingIsAsterisks() {
        assertTrue(Dialplan.patternMatches("_X.", "5000"));
        assertFalse(Dialplan.patternMatches("_X.", "5"), ". is one or more");
        assertTrue(Dialplan.patternMatches("_X!", "5"));
        assertTrue(Dialplan.patternMatches("_20[1-4]", "203"));
        assertFalse(Dialplan.patternMatches("_20[1-4]", "205"));
        assertTrue(Dialplan.patternMatches("_NXX", "200"));
        assertFalse(Dialplan.patternMatches("_NXX", "100"));
        assertTrue(Dialplan.patternMatches("_[a-z].", "sales-overflow"));
        assertTrue(Dialplan.patternMatches("hold", "hold"));
    }
}
