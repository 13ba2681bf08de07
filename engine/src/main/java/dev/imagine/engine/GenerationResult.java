package dev.imagine.engine;

import java.util.List;

/**
 * A finished job.
 *
 * @param request the request with every default filled in: running it again gives the same images
 * @param images the pictures, in order ({@code images.get(i).seed() == seed + i})
 * @param truncatedPrompt the words of the prompt beyond CLIP's 75 tokens, which were not used; empty if none
 * @param truncatedNegativePrompt the same for the negative prompt
 * @param timings where the time went
 * @param device where it ran, e.g. {@code CPU} or {@code CUDA device 0}
 */
public record GenerationResult(
        GenerationRequest request,
        List<GeneratedImage> images,
        String truncatedPrompt,
        String truncatedNegativePrompt,
        Timings timings,
        String device) {

    /** Copies the image list. */
    public GenerationResult {
        images = List.copyOf(images);
    }

    /** Whether part of the prompt or negative prompt was cut. */
    public boolean truncated() {
        return !truncatedPrompt.isEmpty() || !truncatedNegativePrompt.isEmpty();
    }
}
