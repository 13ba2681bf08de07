package dev.imagine.bot.models;

/** Which Stable Diffusion a model folder holds, told by the width of its text embeddings. */
public enum ModelFamily {
    /** Stable Diffusion 1.x: CLIP ViT-L/14 text embeddings of width 768. */
    SD_1("SD 1.x"),
    /** Stable Diffusion 2.x: OpenCLIP ViT-H/14 text embeddings of width 1024. */
    SD_2("SD 2.x"),
    /** Another width, or the UNet could not be read. */
    UNKNOWN("unknown");

    private final String label;

    ModelFamily(String label) {
        this.label = label;
    }

    /** {@code SD 1.x}, {@code SD 2.x} or {@code unknown}. */
    public String label() {
        return label;
    }

    /** The family for a text-embedding width: 768 is SD 1.x, 1024 is SD 2.x. */
    public static ModelFamily ofHiddenSize(int hiddenSize) {
        return switch (hiddenSize) {
            case 768 -> SD_1;
            case 1024 -> SD_2;
            default -> UNKNOWN;
        };
    }
}
