package dev.imagine.engine.testmodel;

import java.util.List;

/**
 * The block structure and widths of Stable Diffusion 1.5's three networks, as in diffusers' configs for
 * {@code runwayml/stable-diffusion-v1-5}: CLIP ViT-L/14's text transformer, {@code UNet2DConditionModel} (three
 * cross-attention down blocks, a plain down block, a cross-attention mid block, a plain up block and three
 * cross-attention up blocks) and {@code AutoencoderKL}'s decoder and encoder. {@link #sd15()} has the real sizes;
 * {@link #scaledDown()} the same structure with tiny widths for fast tests.
 *
 * @param textWidth text encoder width (768)
 * @param textLayers text encoder layers (12)
 * @param textHeads text encoder attention heads (12)
 * @param textFeedForward text encoder MLP width (3072)
 * @param vocabularyRows token embedding rows (49408)
 * @param unetChannels UNet block widths (320, 640, 1280, 1280)
 * @param unetLayersPerBlock ResNet blocks per down block (2; up blocks have one more)
 * @param unetHeads attention heads in the UNet's transformers (8)
 * @param timeWidth UNet time embedding width (4 x the first block width)
 * @param vaeChannels VAE block widths (128, 256, 512, 512)
 * @param vaeLayersPerBlock VAE ResNet blocks per encoder block (2; decoder blocks have one more)
 * @param groups group-norm groups (32)
 */
record Sd15Architecture(
        int textWidth,
        int textLayers,
        int textHeads,
        int textFeedForward,
        int vocabularyRows,
        List<Integer> unetChannels,
        int unetLayersPerBlock,
        int unetHeads,
        int timeWidth,
        List<Integer> vaeChannels,
        int vaeLayersPerBlock,
        int groups) {

    Sd15Architecture {
        unetChannels = List.copyOf(unetChannels);
        vaeChannels = List.copyOf(vaeChannels);
        for (int channels : unetChannels) {
            if (channels % groups != 0 || channels % unetHeads != 0) {
                throw new IllegalArgumentException("UNet width " + channels + " must divide into " + groups
                        + " groups and " + unetHeads + " heads");
            }
        }
        for (int channels : vaeChannels) {
            if (channels % groups != 0) {
                throw new IllegalArgumentException("VAE width " + channels + " must divide into " + groups + " groups");
            }
        }
        if (textWidth % textHeads != 0) {
            throw new IllegalArgumentException("text width must divide into the heads");
        }
    }

    /** The real sizes: about 123M text encoder, 860M UNet, 49M VAE decoder and 34M VAE encoder parameters. */
    static Sd15Architecture sd15() {
        return new Sd15Architecture(768, 12, 12, 3072, 49408, List.of(320, 640, 1280, 1280), 2, 8, 1280,
                List.of(128, 256, 512, 512), 2, 32);
    }

    /** The same blocks with tiny widths and two text layers: a few MB, runs in well under a second. */
    static Sd15Architecture scaledDown() {
        return new Sd15Architecture(32, 2, 2, 64, 49408, List.of(16, 32, 64, 64), 2, 2, 64,
                List.of(8, 16, 32, 32), 2, 4);
    }
}
