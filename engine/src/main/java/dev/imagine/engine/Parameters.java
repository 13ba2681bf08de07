package dev.imagine.engine;

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
        StringBuilder text = new StringBuilder(job.prompt().length() + job.negativePrompt().length() + 256);
        text.append(job.prompt());
        if (!job.negativePrompt().isEmpty()) {
            text.append("\nNegative prompt: ").append(job.negativePrompt());
        }
        text.append('\n');
        // Written straight into the text, field by field: it runs on the engine thread after every job.
        field(text, "Steps", Integer.toString(job.steps()));
        field(text, "Sampler", job.sampler().displayName());
        field(text, "CFG scale", Double.toString(job.guidance()));
        field(text, "Seed", Long.toString(seed));
        field(text, "Size", job.width() + "x" + job.height());
        if (job.hasVariation()) {
            field(text, "Variation seed", Long.toString(job.subseed() + (seed - job.seed())));
            field(text, "Variation seed strength", Double.toString(job.subseedStrength()));
        }
        if (job.originalWidth() != null) {
            field(text, "Original size", job.originalWidth() + "x" + job.originalHeight());
        }
        if (job.cropX() != null) {
            field(text, "Crop left", Integer.toString(job.cropX()));
            field(text, "Crop top", Integer.toString(job.cropY()));
        }
        field(text, "Model", model.name());
        field(text, "Model fingerprint", model.fingerprint());
        if (job.isImageToImage()) {
            field(text, "Denoising strength", Double.toString(job.strength()));
        }
        if (job.upscale() != null) {
            field(text, "Hires upscale", Double.toString(job.upscale()));
            field(text, "Hires upscaler", "Lanczos");
            field(text, "Hires denoising strength", Double.toString(job.hiresStrength()));
        }
        field(text, "Version", "imagine");
        return text.toString();
    }

    /** Appends {@code name: value}, after a comma unless it is the first field of the last line. */
    private static void field(StringBuilder text, String name, String value) {
        if (text.charAt(text.length() - 1) != '\n') {
            text.append(", ");
        }
        text.append(name).append(": ").append(quote(value));
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
