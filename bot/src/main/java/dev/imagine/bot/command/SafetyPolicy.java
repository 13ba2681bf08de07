package dev.imagine.bot.command;

import dev.imagine.config.SafetySettings;
import dev.imagine.engine.PromptSyntax;
import java.text.Normalizer;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The operator's safety policy ({@code safety} in the configuration), for every adapter alike: which prompts are
 * refused before they are queued, and how a picture the model's safety checker flagged is shown. Immutable and
 * thread-safe.
 *
 * <p>Blocked words and phrases match whole words, in any case, after Unicode compatibility normalisation (NFKC) of
 * both sides: {@code gore} blocks "Gore" and "ＧＯＲＥ" but not "gorey" or "angore"; a phrase matches across any run of
 * spaces. Words are letters, marks, digits and {@code _} of any script.
 */
public final class SafetyPolicy {
    /** No blocked words; flagged pictures sent as they are. For tests and tools without a configuration. */
    public static final SafetyPolicy NONE = new SafetyPolicy(SafetySettings.NsfwAction.ALLOW, List.of(), true);

    private static final String WORD = "[\\p{L}\\p{M}\\p{N}_]";

    /** How one picture goes out. */
    public enum Treatment {
        /** As it is. */
        AS_IS,
        /** Behind the platform's spoiler, with a note. */
        SPOILER,
        /** Not sent; the chat is told it was withheld. */
        WITHHOLD
    }

    private final SafetySettings.NsfwAction action;
    private final boolean allowInAgeRestricted;
    private final Pattern blocked;

    private SafetyPolicy(SafetySettings.NsfwAction action, List<String> blockedWords, boolean allowInAgeRestricted) {
        this.action = Objects.requireNonNull(action, "action");
        this.allowInAgeRestricted = allowInAgeRestricted;
        this.blocked = blockedWords.isEmpty() ? null : Pattern.compile(blockedWords.stream()
                .map(SafetyPolicy::phrase)
                .filter(p -> !p.isEmpty())
                .collect(Collectors.joining("|", "(?<!" + WORD + ")(?:", ")(?!" + WORD + ")")),
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    /** The policy the configuration describes. */
    public static SafetyPolicy of(SafetySettings settings) {
        return new SafetyPolicy(settings.nsfw(), settings.blockedWords(), settings.allowInNsfwChannels());
    }

    /** A policy with this action for flagged pictures and these blocked words (tests). */
    public static SafetyPolicy of(SafetySettings.NsfwAction action, List<String> blockedWords,
            boolean allowInAgeRestricted) {
        return new SafetyPolicy(action, List.copyOf(blockedWords), allowInAgeRestricted);
    }

    private static String phrase(String words) {
        return Pattern.compile("\\s+").splitAsStream(normalise(words).strip())
                .filter(w -> !w.isEmpty())
                .map(Pattern::quote)
                .collect(Collectors.joining("\\s+"));
    }

    private static String normalise(String text) {
        return Normalizer.normalize(text, Normalizer.Form.NFKC);
    }

    /**
     * Whether {@code prompt} holds a blocked word or phrase in any text the model may read for it (see
     * {@link PromptSyntax#readings}): as written, in each option of its prompt editing and alternation
     * ({@code [g|g]ore}), and with HTML entities unescaped as CLIP's tokenizer does ({@code &#103;ore}).
     */
    public boolean blocks(String prompt) {
        if (blocked == null || prompt == null) {
            return false;
        }
        return PromptSyntax.readings(prompt).stream().anyMatch(text -> blocked.matcher(normalise(text)).find());
    }

    /**
     * How a picture goes out.
     *
     * @param flagged whether the safety checker flagged it
     * @param ageRestricted whether the place it goes to is marked for adults (a Discord NSFW channel)
     */
    public Treatment treatment(boolean flagged, boolean ageRestricted) {
        if (!flagged || action == SafetySettings.NsfwAction.ALLOW || (ageRestricted && allowInAgeRestricted)) {
            return Treatment.AS_IS;
        }
        return action == SafetySettings.NsfwAction.BLOCK ? Treatment.WITHHOLD : Treatment.SPOILER;
    }
}
