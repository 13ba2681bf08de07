package dev.imagine.engine;

import dev.imagine.engine.text.ClipTokenizer;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How the engine reads a prompt's text. */
public enum PromptSyntax {
    /**
     * As AUTOMATIC1111 does: {@code (emphasis:1.2)}, {@code [less]}, {@code BREAK}, prompt editing
     * {@code [from:to:when]}, alternation {@code [a|b]}, and prompts past 75 tokens in chunks of 75.
     */
    A1111("a1111"),
    /** As diffusers does: brackets are ordinary characters and tokens past the 75th are cut. */
    PLAIN("plain");

    /** The syntax of a request that names none. */
    public static final PromptSyntax DEFAULT = A1111;

    private final String id;

    PromptSyntax(String id) {
        this.id = id;
    }

    /** The name users type and storage keeps: {@code a1111} or {@code plain}. */
    public String id() {
        return id;
    }

    /**
     * A prompt's text as the text encoder's tokenizer reads it, whatever the syntax: HTML entities unescaped twice
     * (CLIP's tokenizer does this, so {@code &#103;ore} reaches the model as "gore"), white space collapsed, lower
     * case. For checks on what a prompt says, such as blocked words; syntax characters are left as they are.
     */
    public static String asTokenized(String prompt) {
        return ClipTokenizer.cleanText(prompt);
    }

    /**
     * The syntax named {@code name}, ignoring case.
     *
     * @throws IllegalArgumentException naming the allowed values when there is none of that name
     */
    public static PromptSyntax parse(String name) {
        String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (PromptSyntax syntax : values()) {
            if (syntax.id.equals(wanted)) {
                return syntax;
            }
        }
        throw new IllegalArgumentException("unknown prompt syntax '" + name + "'; use one of "
                + Arrays.stream(values()).map(PromptSyntax::id).collect(Collectors.joining(", ")));
    }
}
