package dev.imagine.engine;

import dev.imagine.engine.image.PngCodec;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * One picture of a result: its pixels and its PNG file, encoded once and shared by everything that stores, uploads
 * or writes it. The engine starts the encoding on its own encoder thread as soon as the picture is decoded, so the
 * engine's thread never waits for it; {@link #png()} returns the bytes when they are ready. It also carries the
 * model's safety-checker verdict ({@link #nsfw()}); the check never changes the pixels. Thread-safe.
 */
public final class GeneratedImage {
    /** PNG text chunk key AUTOMATIC1111 and other tools read generation parameters from. */
    public static final String PARAMETERS_KEY = "parameters";

    private final int index;
    private final long seed;
    private final String parameters;
    private final boolean nsfw;
    /** Guards {@link #image} and {@link #pixels}; never held while waiting for {@code this}. */
    private final Object pixelsLock = new Object();
    private BufferedImage image;
    /** The pixels still to be made (the decoder's output waiting for conversion), or null. */
    private Supplier<BufferedImage> pixels;
    private byte[] png;

    /**
     * A picture whose PNG is encoded when first asked for.
     *
     * @param index position in the request, from 0
     * @param seed the seed that reproduces this image alone ({@code request seed + index})
     * @param image the pixels, 8-bit RGB
     * @param parameters the AUTOMATIC1111-style {@code parameters} text stored in the PNG
     */
    public GeneratedImage(int index, long seed, BufferedImage image, String parameters) {
        this(index, seed, image, parameters, false);
    }

    /**
     * A picture whose PNG is encoded when first asked for, with the safety checker's verdict.
     *
     * @param nsfw whether the model's safety checker flagged it (false when no checker ran)
     */
    public GeneratedImage(int index, long seed, BufferedImage image, String parameters, boolean nsfw) {
        this.index = index;
        this.seed = seed;
        this.image = Objects.requireNonNull(image, "image");
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        this.nsfw = nsfw;
    }

    /**
     * A picture whose pixels are made on first use, on whichever thread asks first (the engine's PNG encoder,
     * normally), so the engine's thread need not wait for them.
     */
    GeneratedImage(int index, long seed, Supplier<BufferedImage> pixels, String parameters, boolean nsfw) {
        this.index = index;
        this.seed = seed;
        this.pixels = Objects.requireNonNull(pixels, "pixels");
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        this.nsfw = nsfw;
    }

    private GeneratedImage(int index, long seed, byte[] png, String parameters, boolean nsfw) {
        this.index = index;
        this.seed = seed;
        this.png = png.clone();
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        this.nsfw = nsfw;
    }

    /**
     * A picture from a PNG file made earlier (a stored result): {@link #png()} returns these bytes as they are and
     * {@link #image()} decodes them when first asked for.
     */
    public static GeneratedImage fromPng(int index, long seed, byte[] png, String parameters) {
        return fromPng(index, seed, png, parameters, false);
    }

    /** A stored picture as {@link #fromPng(int, long, byte[], String)}, with the verdict stored with it. */
    public static GeneratedImage fromPng(int index, long seed, byte[] png, String parameters, boolean nsfw) {
        return new GeneratedImage(index, seed, png, parameters, nsfw);
    }

    /** Position in the request, from 0. */
    public int index() {
        return index;
    }

    /** The seed that reproduces this image alone ({@code request seed + index}). */
    public long seed() {
        return seed;
    }

    /** The AUTOMATIC1111-style {@code parameters} text stored in the PNG. */
    public String parameters() {
        return parameters;
    }

    /**
     * Whether the model's safety checker flagged this picture as possibly not safe for work; false when no checker
     * ran. The pixels are the same either way.
     */
    public boolean nsfw() {
        return nsfw;
    }

    /** The pixels, 8-bit RGB. */
    public BufferedImage image() {
        synchronized (pixelsLock) {
            if (image == null) {
                image = pixels != null ? pixels.get() : ImageInput.decode(png, png.length + 1L, Long.MAX_VALUE);
                pixels = null;
            }
            return image;
        }
    }

    /**
     * The PNG file with its {@code parameters} text chunk, encoded once (the same image gives the same bytes). The
     * array is shared: do not change it.
     */
    public synchronized byte[] png() {
        if (png == null) {
            png = encodePng(image(), parameters);
        }
        return png;
    }

    /**
     * The PNG file {@link #png()} makes for these pixels and {@code parameters} text, encoded afresh on the calling
     * thread each time (for benchmarks and tools; generated images already carry theirs).
     */
    public static byte[] encodePng(BufferedImage image, String parameters) {
        Map<String, String> text = new LinkedHashMap<>();
        text.put(PARAMETERS_KEY, parameters);
        return PngCodec.encodePng(image, text);
    }

    /** Starts encoding the PNG on {@code encoder}, so a later {@link #png()} finds it ready or waits for it. */
    void encodeOn(Executor encoder) {
        encoder.execute(this::png);
    }

    @Override
    public String toString() {
        return "GeneratedImage[index=" + index + ", seed=" + seed + (nsfw ? ", nsfw" : "") + "]";
    }
}
