/**
 * Pixels in and out: PNG with generation parameters ({@link dev.imagine.engine.image.PngCodec}), decoding
 * untrusted uploads with limits ({@link dev.imagine.engine.image.ImageDecoder}), Lanczos resizing
 * ({@link dev.imagine.engine.image.ImageResizer}), image/tensor conversion matching diffusers
 * ({@link dev.imagine.engine.image.ImageTensors}) and size fitting ({@link dev.imagine.engine.image.PixelSize}).
 *
 * <p>Internal to the engine module: other modules use only {@code dev.imagine.engine}; an ArchUnit test
 * enforces this.
 */
package dev.imagine.engine.image;
