package io.ctiserver.server.omni.chat;

import io.ctiserver.server.omni.OmniException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules for a customer's message text. The text is kept as written (pages escape it when they show it); what is
 * refused is refused whole, with a code the widget shows, and the chat goes on:
 * <ul>
 *   <li>{@code empty}, {@code too_long} (over the configured characters);</li>
 *   <li>{@code invalid_text}: control characters other than newline and tab (they have no place in a chat and can
 *       hide text from the agent);</li>
 *   <li>{@code file_link}: links to files ({@code file:}, {@code data:}, {@code ftp:} and web links to a download by
 *       its extension): files do not travel by chat; the widget says to send them by email.</li>
 * </ul>
 */
public final class ChatText {

    private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}&&[^\\n\\t]]");
    private static final Pattern LINK = Pattern.compile("(?i)\\b(?:(?:file|data|ftp|sftp|smb):|https?://\\S+?\\."
            + "(?:exe|msi|bat|cmd|sh|jar|js|vbs|scr|zip|rar|7z|gz|tar|iso|dmg|apk|pdf|docx?|xlsx?|pptx?|odt|rtf|png|"
            + "jpe?g|gif|bmp|svg|mp3|mp4|mov|avi)(?:[?#]\\S*)?(?=\\s|$))");

    private ChatText() {
    }

    public static String check(String text, int maxChars) {
        if (text == null || text.isBlank()) {
            throw new OmniException("empty", "a message needs some text");
        }
        String t = text.replace("\r\n", "\n").replace('\r', '\n');
        if (t.length() > maxChars) {
            throw new OmniException("too_long", "a message may hold at most " + maxChars + " characters");
        }
        if (CONTROL.matcher(t).find()) {
            throw new OmniException("invalid_text", "a message may not hold control characters");
        }
        Matcher m = LINK.matcher(t);
        if (m.find()) {
            throw new OmniException("file_link", "links to files are not accepted in chat; please send files by email");
        }
        return t;
    }
}
