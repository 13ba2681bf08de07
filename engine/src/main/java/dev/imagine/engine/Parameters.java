package dev.imagine.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The generation parameters in AUTOMATIC1111's {@code parameters} text format, so an image dropped into A1111's
 * "PNG info", ComfyUI or civitai shows how it was made:
 * <pre>
 * prompt
 * Negative prompt: ...
 * Steps: 20, Sampler: Euler a, CFG scale: 7.5, Seed: 42, Size: 512x512, Model: name, ...
 * </pre>
 */
final class Parameters {
    private Parameters() {
    }

    static String describe(GenerationRequest job, long seed, ModelInfo model) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Steps", Integer.toString(job.steps()));
        fields.put("Sampler", job.sampler().displayName());
        fields.put("CFG scale", Double.toString(job.guidance()));
        fields.put("Seed", Long.toString(seed));
        fields.put("Size", job.width() + "x" + job.height());
        if (job.hasVariation()) {
            fields.put("Variation seed", Long.toString(job.subseed() + (seed - job.seed())));
            fields.put("Variation seed strength", Double.toString(job.subseedStrength()));
        }
        if (job.originalWidth() != null) {
            fields.put("Original size", job.originalWidth() + "x" + job.originalHeight());
        }
        if (job.cropX() != null) {
            fields.put("Crop left", Integer.toString(job.cropX()));
            fields.put("Crop top", Integer.toString(job.cropY()));
        }
        fields.put("Model", model.name());
        fields.put("Model fingerprint", model.fingerprint());
        if (job.isImageToImage()) {
            fields.put("Denoising strength", Double.toString(job.strength()));
        }
        if (job.upscale() != null) {
            fields.put("Hires upscale", Double.toString(job.upscale()));
            fields.put("Hires upscaler", "Lanczos");
            fields.put("Hires denoising strength", Double.toString(job.hiresStrength()));
        }
        fields.put("Version", "imagine");
        StringBuilder text = new StringBuilder(job.prompt());
        if (!job.negativePrompt().isEmpty()) {
            text.append("\nNegative prompt: ").append(job.negativePrompt());
        }
        text.append('\n').append(fields.entrySet().stream()
                .map(e -> e.getKey() + ": " + quote(e.getValue()))
                .collect(Collectors.joining(", ")));
        return text.toString();
    }

    /** Quotes a value the way A1111 does when it holds a comma, colon or quote, so its parser splits it right. */
    static String quote(String value) {
        if (value.indexOf(',') < 0 && value.indexOf(':') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0) {
            return value;
        }
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"':
                    quoted.append("\\\"");
                    break;
                case '\\':
                    quoted.append("\\\\");
                    break;
                case '\n':
                    quoted.append("\\n");
                    break;
                default:
                    quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }
}
