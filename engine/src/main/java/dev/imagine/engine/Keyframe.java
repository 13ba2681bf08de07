package dev.imagine.engine;

/**
 * One keyframe of an animation: a prompt and a seed.
 *
 * @param prompt what to draw at this keyframe; at most {@value GenerationRequest#MAX_PROMPT_CHARS} characters
 * @param seed 0 to 4294967295, or {@code null} to take the previous keyframe's (the first one's picks one at random)
 */
public record Keyframe(String prompt, Long seed) {

    /** Checks the prompt and seed. */
    public Keyframe {
        if (prompt == null) {
            throw new IllegalArgumentException("every keyframe needs a prompt");
        }
        if (prompt.length() > GenerationRequest.MAX_PROMPT_CHARS) {
            throw new IllegalArgumentException("a keyframe prompt is " + prompt.length()
                    + " characters long; the limit is " + GenerationRequest.MAX_PROMPT_CHARS);
        }
        if (seed != null && (seed < 0 || seed > GenerationRequest.MAX_SEED)) {
            throw new IllegalArgumentException("seed must be between 0 and " + GenerationRequest.MAX_SEED + ", got "
                    + seed);
        }
    }
}
