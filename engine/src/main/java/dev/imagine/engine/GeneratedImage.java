package dev.imagine.engine;

import dev.imagine.engine.image.PngCodec;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One picture of a result.
 *
 * @param index position in the request, from 0
 * @param seed the seed that reproduces this image alone ({@code request seed + index})
 * @param image the pixels, 8-bit RGB
 * @param parameters the AUTOMATIC1111-style {@code parameters} text stored in the PNG
 */
public record GeneratedImage(int index, long seed, BufferedImage image, String parameters) {

    /** PNG text chunk key AUTOMATIC1111 and other tools read generation parameters from. */
    public static final String PARAMETERS_KEY = "parameters";

    /**
     * Encodes the image as PNG with its {@code parameters} text chunk. The same image gives the same bytes.
     */
    public byte[] png() {
        Map<String, String> text = new LinkedHashMap<>();
        text.put(PARAMETERS_KEY, parameters);
        return PngCodec.encodePng(image, text);
    }
}
