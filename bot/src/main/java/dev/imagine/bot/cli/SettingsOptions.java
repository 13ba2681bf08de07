package dev.imagine.bot.cli;

import dev.imagine.engine.GenerationRequest;
import dev.imagine.engine.PromptSyntax;
import dev.imagine.engine.SamplerKind;
import picocli.CommandLine.Option;

/** The options {@code generate} and {@code animate} share: negative prompt, steps, guidance, sampler, size and
 * prompt syntax. */
final class SettingsOptions {

    @Option(names = "--negative", paramLabel = "TEXT", description = "What to avoid.")
    String negative;

    @Option(names = "--steps", paramLabel = "N", description = "Denoising steps, 1..150 (default: the model's).")
    Integer steps;

    @Option(names = {"--guidance", "--cfg"}, paramLabel = "F", description = "Guidance scale, 0..30 (default 7.5).")
    Double guidance;

    @Option(names = "--sampler", paramLabel = "NAME", converter = SamplerConverter.class,
            description = "ddim, pndm (plms), euler, euler-a, lms, dpmpp-2m, dpmpp-2m-karras or lcm "
                    + "(default: the model's own).")
    SamplerKind sampler;

    @Option(names = {"--width", "-W"}, paramLabel = "N", description = "Multiple of 8, 64..2048.")
    Integer width;

    @Option(names = {"--height", "-H"}, paramLabel = "N", description = "Multiple of 8, 64..2048.")
    Integer height;

    @Option(names = "--prompt-syntax", paramLabel = "a1111|plain", description = "How prompts are read: a1111 "
            + "(default: (word:1.2) weights, BREAK, [from:to:when] edits, [a|b] alternation, chunks past 75 tokens) "
            + "or plain (diffusers: brackets are text, tokens past 75 are cut).")
    String promptSyntax;

    /** Sets these options on {@code builder} (an option left out stays unset: the model's default). */
    GenerationRequest.Builder applyTo(GenerationRequest.Builder builder) {
        return builder.negativePrompt(negative).sampler(sampler).steps(steps).guidance(guidance).width(width)
                .height(height).promptSyntax(syntax());
    }

    private PromptSyntax syntax() {
        if (promptSyntax == null) {
            return null;
        }
        try {
            return PromptSyntax.parse(promptSyntax);
        } catch (IllegalArgumentException e) {
            throw new UserException("--prompt-syntax: " + e.getMessage());
        }
    }
}
