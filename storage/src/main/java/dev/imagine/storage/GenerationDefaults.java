package dev.imagine.storage;

/**
 * Defaults a user or a channel chose for new requests; each {@code null} field means "no preference".
 *
 * @param sampler the sampler's user-facing name, e.g. {@code euler-a}
 * @param steps denoising steps, 1 to 1000
 * @param width pixels, 1 to 16384
 * @param height pixels, 1 to 16384
 * @param negativePrompt at most {@value GenerationParameters#MAX_PROMPT_CHARS} characters
 */
public record GenerationDefaults(String sampler, Integer steps, Integer width, Integer height, String negativePrompt) {

    /** No preferences. */
    public static final GenerationDefaults NONE = new GenerationDefaults(null, null, null, null, null);

    /** Validates the fields. */
    public GenerationDefaults {
        Checks.name("the sampler", sampler);
        Checks.range("steps", steps, 1, 1000);
        Checks.range("width", width, 1, 16384);
        Checks.range("height", height, 1, 16384);
        Checks.text("the negative prompt", negativePrompt, GenerationParameters.MAX_PROMPT_CHARS);
    }

    /** Whether no field is set. */
    public boolean isEmpty() {
        return equals(NONE);
    }
}
