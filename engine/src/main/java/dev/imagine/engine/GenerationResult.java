package dev.imagine.engine;

import java.util.List;

/**
 * A finished job.
 *
 * @param request the request with every default filled in: running it again gives the same images
 * @param images the pictures, in order ({@code images.get(i).seed() == seed + i})
 * @param truncatedPrompt the words of the prompt that were not used (past CLIP's 75 tokens, the server's chunk
 *     limit or a UNet fixed to 77 tokens); empty if none
 * @param truncatedNegativePrompt the same for the negative prompt
 * @param timings where the time went
 * @param device where it ran, e.g. {@code CPU} or {@code CUDA device 0}
 * @param promptUsage chunks and tokens the prompt used; {@code null} when not reported (a rerun record)
 * @param negativeUsage the same for the negative prompt; {@code null} when it was not encoded
 */
public record GenerationResult(
        GenerationRequest request,
        List<GeneratedImage> images,
        String truncatedPrompt,
        String truncatedNegativePrompt,
        Timings timings,
        String device,
        PromptUsage promptUsage,
        PromptUsage negativeUsage) {

    /** Copies the image list. */
    public GenerationResult {
        images = List.copyOf(images);
    }

    /** A result without prompt usage. */
    public GenerationResult(GenerationRequest request, List<GeneratedImage> images, String truncatedPrompt,
            String truncatedNegativePrompt, Timings timings, String device) {
        this(request, images, truncatedPrompt, truncatedNegativePrompt, timings, device, null, null);
    }

    /** Whether part of the prompt or negative prompt was cut. */
    public boolean truncated() {
        return !truncatedPrompt.isEmpty() || !truncatedNegativePrompt.isEmpty();
    }
}
