package io.ctiserver.server.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The simulator's model of Asterisk's dialplan text rules, on the cases Asterisk's own documentation states (MSet:
 * surrounding double quotes are stripped, a separator needs a backslash; functions read inside {@code ${...}}).
 */
class DialplanTextTest {

    private static final Map<String, String> VARS = Map.of("A", "one", "EMPTYISH", "", "CHANNEL(linkedid)", "17.4",
            "NAMEVAR", "A", "ODD", "x}y${A}");

    private static String sub(String template) {
        return DialplanText.substitute(template, VARS::get);
    }

    @Test
    void substitutesVariablesFunctionsAndNestedNames() {
        assertEquals("one", sub("${A}"));
        assertEquals("[17.4]", sub("[${CHANNEL(linkedid)}]"));
        assertEquals("one", sub("${${NAMEVAR}}"), "the name itself is substituted first");
        assertEquals("", sub("${NOT_SET}"));
        assertEquals("3:one0:", sub("${LEN(${A})}:${A}${LEN(${NOT_SET})}:${NOT_SET}"));
        assertEquals("x}y${A}", sub("${ODD}"), "a value is not substituted again");
        assertEquals("7", sub("${LEN(${ODD})}"));
        assertEquals("2", sub("${LEN(ü)}"), "LEN counts bytes, as strlen does");
        assertEquals("a ${A", sub("a ${A"), "unterminated: copied as it is");
    }

    @Test
    void separatesApplicationArgumentsLikeAstAppSeparateArgs() {
        assertEquals(List.of("a", "b", "c"), DialplanText.separateAppArgs("a,b,c", ',', 99));
        assertEquals(List.of("a", ""), DialplanText.separateAppArgs("a,", ',', 99), "a trailing delimiter");
        assertEquals(List.of("x=\"quoted\""), DialplanText.separateAppArgs("x=\\\"quoted\\\"", ',', 99));
        assertEquals(List.of("x=quoted, with comma"), DialplanText.separateAppArgs("x=\"quoted, with comma\"", ',',
                99), "quotes group and are stripped");
        assertEquals(List.of("x=a,b"), DialplanText.separateAppArgs("x=a\\,b", ',', 99), "an escaped separator");
        assertEquals(List.of("x=f(a,b)", "y=[c,d]"), DialplanText.separateAppArgs("x=f(a,b),y=[c,d]", ',', 99),
                "no split inside parentheses or brackets, which are kept");
        assertEquals(List.of("NAME", "v=al\\ue"), DialplanText.separateAppArgs("NAME=v=al\\ue", '=', 2),
                "the last allowed argument is the raw rest");
        assertEquals(List.of("a", "b,c"), DialplanText.separateAppArgs("a,b,c", ',', 2));
    }
}
