/**
 * Frames in, a looping video file out: H.264 MP4 through JCodec ({@link dev.imagine.engine.video.VideoFormat#MP4})
 * and animated GIF through the JDK's ImageIO writer ({@link dev.imagine.engine.video.VideoFormat#GIF}), with a size
 * limit that tries smaller encodings before it gives up ({@link dev.imagine.engine.video.VideoEncoding}).
 *
 * <p>Public: the bot sends and stores the files. JCodec types never leave this package; an ArchUnit test enforces it.
 */
package dev.imagine.engine.video;
