package dev.imagine.engine.image;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.util.Objects;

/**
 * Turns a picture into a CLIP vision model's input as transformers' {@code CLIPImageProcessor} does, driven by a
 * {@code preprocessor_config.json}: resize so the short side is {@code size} (the long side {@code size * long /
 * short}, truncated) with Pillow's filter on 8-bit pixels (bicubic for CLIP), crop the centre to {@code crop_size}
 * (top-left at {@code (h - crop) / 2} rounded down; a smaller image is padded with zeros), rescale by
 * {@code rescale_factor} (in double, stored as float32), then normalise {@code (x - mean) / std} in float32. The
 * output is channel-first, {@code [3, cropHeight, cropWidth]}. Immutable and thread-safe.
 */
public final class ClipImageProcessor {
    /** OpenAI CLIP's per-channel mean, transformers' default for {@code image_mean}. */
    static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    /** OpenAI CLIP's per-channel standard deviation, transformers' default for {@code image_std}. */
    static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};
    private static final int DEFAULT_SIDE = 224;
    private static final int MAX_SIDE = 4096;
    /** Pillow's resampling constants, as {@code resample} stores them. */
    private static final PilResample.Filter[] RESAMPLE = {null, PilResample.Filter.LANCZOS,
        PilResample.Filter.BILINEAR, PilResample.Filter.BICUBIC, PilResample.Filter.BOX, PilResample.Filter.HAMMING};

    private final boolean resize;
    private final int shortestEdge;
    private final int resizeHeight;
    private final int resizeWidth;
    private final PilResample.Filter filter;
    private final boolean centerCrop;
    private final int cropHeight;
    private final int cropWidth;
    private final boolean rescale;
    private final double rescaleFactor;
    private final boolean normalize;
    private final float[] mean;
    private final float[] std;

    private ClipImageProcessor(JsonNode config) {
        this.resize = config.path("do_resize").asBoolean(true);
        JsonNode size = config.path("size");
        if (size.isMissingNode() || size.isNull()) {
            shortestEdge = DEFAULT_SIDE;
            resizeHeight = 0;
            resizeWidth = 0;
        } else if (size.isInt()) {
            shortestEdge = side("size", size);
            resizeHeight = 0;
            resizeWidth = 0;
        } else if (size.has("shortest_edge")) {
            shortestEdge = side("size.shortest_edge", size.get("shortest_edge"));
            resizeHeight = 0;
            resizeWidth = 0;
        } else if (size.has("height") && size.has("width")) {
            shortestEdge = 0;
            resizeHeight = side("size.height", size.get("height"));
            resizeWidth = side("size.width", size.get("width"));
        } else {
            throw new IllegalArgumentException("size must be a number, {\"shortest_edge\": N} or {\"height\": H, "
                    + "\"width\": W}; got " + size);
        }
        int resample = config.path("resample").asInt(3);
        if (resample < 1 || resample >= RESAMPLE.length) {
            throw new IllegalArgumentException("resample " + config.path("resample") + " is not supported; use 1 "
                    + "(Lanczos), 2 (bilinear), 3 (bicubic, CLIP's), 4 (box) or 5 (Hamming)");
        }
        this.filter = RESAMPLE[resample];
        this.centerCrop = config.path("do_center_crop").asBoolean(true);
        JsonNode crop = config.path("crop_size");
        if (crop.isMissingNode() || crop.isNull()) {
            cropHeight = DEFAULT_SIDE;
            cropWidth = DEFAULT_SIDE;
        } else if (crop.isInt()) {
            cropHeight = side("crop_size", crop);
            cropWidth = cropHeight;
        } else if (crop.has("height") && crop.has("width")) {
            cropHeight = side("crop_size.height", crop.get("height"));
            cropWidth = side("crop_size.width", crop.get("width"));
        } else {
            throw new IllegalArgumentException("crop_size must be a number or {\"height\": H, \"width\": W}; got "
                    + crop);
        }
        this.rescale = config.path("do_rescale").asBoolean(true);
        this.rescaleFactor = config.path("rescale_factor").isNumber() ? config.path("rescale_factor").doubleValue()
                : 1 / 255.0;
        this.normalize = config.path("do_normalize").asBoolean(true);
        this.mean = channels("image_mean", config.path("image_mean"), CLIP_MEAN);
        this.std = channels("image_std", config.path("image_std"), CLIP_STD);
        for (float s : std) {
            if (!(s != 0f) || !Float.isFinite(s)) {
                throw new IllegalArgumentException("image_std must hold three non-zero numbers, got "
                        + config.path("image_std"));
            }
        }
        if (!centerCrop && (resizeHeight == 0 || !resize)) {
            throw new IllegalArgumentException("without do_center_crop the size must be fixed ({\"height\": H, "
                    + "\"width\": W}), so every picture gives the same input shape");
        }
    }

    /**
     * Reads a parsed {@code preprocessor_config.json}; keys it leaves out take {@code CLIPImageProcessor}'s
     * defaults (224, bicubic, centre crop 224, rescale by 1/255, OpenAI CLIP mean and std).
     *
     * @throws IllegalArgumentException naming a key whose value cannot be used
     */
    public static ClipImageProcessor fromConfig(JsonNode config) {
        return new ClipImageProcessor(Objects.requireNonNull(config, "config"));
    }

    /** Height of the output planes. */
    public int outputHeight() {
        return centerCrop ? cropHeight : resizeHeight;
    }

    /** Width of the output planes. */
    public int outputWidth() {
        return centerCrop ? cropWidth : resizeWidth;
    }

    /** The (height, width) the resize step gives for a picture of this size, as transformers computes it. */
    int[] resizedSize(int height, int width) {
        if (!resize) {
            return new int[] {height, width};
        }
        if (shortestEdge == 0) {
            return new int[] {resizeHeight, resizeWidth};
        }
        // transformers: short side -> size, long side -> int(size * long / short), in double.
        if (width <= height) {
            return new int[] {(int) ((double) shortestEdge * height / width), shortestEdge};
        }
        return new int[] {shortestEdge, (int) ((double) shortestEdge * width / height)};
    }

    /**
     * The model input for one picture.
     *
     * @param image any size; not modified (non-RGB images are converted as the PNG codec does)
     * @return {@code 3 * outputHeight() * outputWidth()} floats, red plane first
     */
    public float[] process(BufferedImage image) {
        Objects.requireNonNull(image, "image");
        int width = image.getWidth();
        int height = image.getHeight();
        int[] pixels = RgbImages.asIntRgb(image).getRGB(0, 0, width, height, null, 0, width);
        int[] size = resizedSize(height, width);
        if (size[0] != height || size[1] != width) {
            pixels = PilResample.resize(pixels, width, height, size[1], size[0], filter);
            height = size[0];
            width = size[1];
        }
        int outHeight = outputHeight();
        int outWidth = outputWidth();
        // A crop window past the edge reads zeros, as transformers pads a smaller image before cropping.
        int top = centerCrop ? Math.floorDiv(height - cropHeight, 2) : 0;
        int left = centerCrop ? Math.floorDiv(width - cropWidth, 2) : 0;
        int plane = outHeight * outWidth;
        float[] out = new float[3 * plane];
        float[] levels = new float[3 * 256];
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < 256; p++) {
                levels[c * 256 + p] = value(p, c);
            }
        }
        for (int y = 0; y < outHeight; y++) {
            int sy = y + top;
            for (int x = 0; x < outWidth; x++) {
                int sx = x + left;
                int rgb = sy >= 0 && sy < height && sx >= 0 && sx < width ? pixels[sy * width + sx] : 0;
                int at = y * outWidth + x;
                out[at] = levels[(rgb >> 16) & 0xFF];
                out[plane + at] = levels[256 + ((rgb >> 8) & 0xFF)];
                out[2 * plane + at] = levels[512 + (rgb & 0xFF)];
            }
        }
        return out;
    }

    /** One 8-bit sample of channel {@code c} after rescaling and normalising. */
    private float value(int sample, int c) {
        float x = rescale ? (float) (sample * rescaleFactor) : sample;
        return normalize ? (x - mean[c]) / std[c] : x;
    }

    private static int side(String key, JsonNode value) {
        if (!value.isInt() || value.intValue() < 1 || value.intValue() > MAX_SIDE) {
            throw new IllegalArgumentException(key + " must be a whole number from 1 to " + MAX_SIDE + ", got "
                    + value);
        }
        return value.intValue();
    }

    private static float[] channels(String key, JsonNode value, float[] fallback) {
        if (value.isMissingNode() || value.isNull()) {
            return fallback.clone();
        }
        if (value.isNumber()) {
            return new float[] {value.floatValue(), value.floatValue(), value.floatValue()};
        }
        if (!value.isArray() || value.size() != 3 || !value.get(0).isNumber() || !value.get(1).isNumber()
                || !value.get(2).isNumber()) {
            throw new IllegalArgumentException(key + " must be three numbers (red, green, blue), got " + value);
        }
        return new float[] {value.get(0).floatValue(), value.get(1).floatValue(), value.get(2).floatValue()};
    }
}
