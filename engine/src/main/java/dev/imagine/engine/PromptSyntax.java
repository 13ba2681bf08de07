package dev.imagine.engine;

import dev.imagine.engine.prompt.PromptSchedule;
import dev.imagine.engine.text.ClipTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

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
     * Every text the text encoder may read for {@code prompt}, for checks on what a prompt says such as blocked
     * words: the prompt as written and each text of its A1111 prompt editing and alternation schedule at the most
     * steps a request may have ({@code [g|g]ore} reads "gore"), each also as CLIP's tokenizer cleans it (HTML entities
     * unescaped twice, so {@code &#103;ore} reads "gore"; white space collapsed; lower case). Emphasis and other
     * syntax characters are left in.
     */
    public static List<String> readings(String prompt) {
        List<String> texts = new ArrayList<>();
        texts.add(prompt);
        texts.addAll(PromptSchedule.of(prompt, GenerationRequest.MAX_STEPS).distinctTexts());
        return texts.stream().flatMap(text -> Stream.of(text, ClipTokenizer.cleanText(text))).distinct().toList();
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
