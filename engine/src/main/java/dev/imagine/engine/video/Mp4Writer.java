package dev.imagine.engine.video;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.jcodec.codecs.h264.H264Encoder;
import org.jcodec.codecs.h264.encode.RateControl;
import org.jcodec.codecs.h264.io.model.SliceType;
import org.jcodec.common.Codec;
import org.jcodec.common.MuxerTrack;
import org.jcodec.common.VideoCodecMeta;
import org.jcodec.common.VideoEncoder;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Packet;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Size;
import org.jcodec.containers.mp4.muxer.MP4Muxer;
import org.jcodec.scale.RgbToYuv420p;

/**
 * H.264 in MP4 with JCodec: baseline profile, 4:2:0 with BT.601 video-range levels (what players assume for a stream
 * that signals no range, i.e. yuv420p), one frame per {@code 1/fps} second, no audio track.
 */
final class Mp4Writer {
    /** The first quantiser tried (H.264 QP, 0-51): near-transparent on SD pictures; higher is smaller and blockier. */
    static final int DEFAULT_QP = 20;

    private Mp4Writer() {
    }

    static byte[] write(List<BufferedImage> frames, int fps, int qp) throws IOException {
        BufferedImage first = frames.get(0);
        int width = first.getWidth();
        int height = first.getHeight();
        H264Encoder encoder = new H264Encoder(new ConstantQuantiser(qp));
        MemoryChannel channel = new MemoryChannel();
        MP4Muxer muxer = MP4Muxer.createMP4MuxerToChannel(channel);
        MuxerTrack track = muxer.addVideoTrack(Codec.H264,
                VideoCodecMeta.createSimpleVideoCodecMeta(new Size(width, height), ColorSpace.YUV420J));
        Picture rgb = Picture.create(width, height, ColorSpace.RGB);
        Picture yuv = Picture.create(width, height, ColorSpace.YUV420);
        RgbToYuv420p toYuv = new RgbToYuv420p();
        ByteBuffer buffer = null;
        for (int i = 0; i < frames.size(); i++) {
            fill(rgb, frames.get(i));
            toYuv.transform(rgb, yuv);
            // JCodec's encoder takes only pictures labelled full-range 4:2:0; the planes hold video-range levels.
            Picture input = Picture.createPicture(width, height, yuv.getData(), ColorSpace.YUV420J);
            if (buffer == null) {
                buffer = ByteBuffer.allocate(Math.max(encoder.estimateBufferSize(input), 2 * width * height + 4096));
            }
            buffer.clear();
            VideoEncoder.EncodedFrame encoded = encoder.encodeFrame(input, buffer);
            track.addFrame(Packet.createPacket(NIOUtils.clone(encoded.getData()), i, fps, 1, i,
                    encoded.isKeyFrame() ? Packet.FrameType.KEY : Packet.FrameType.INTER, null));
        }
        muxer.finish();
        byte[] mp4 = channel.toByteArray();
        clearTimes(mp4, 0, mp4.length);
        return mp4;
    }

    /**
     * Sets the creation and modification times of the movie, track and media headers ({@code mvhd}, {@code tkhd},
     * {@code mdhd}; JCodec writes the wall clock there) to 0, so the same frames always give the same file.
     */
    static void clearTimes(byte[] mp4, int from, int to) {
        int at = from;
        while (at + 8 <= to) {
            long size = ByteBuffer.wrap(mp4, at, 4).getInt() & 0xffffffffL;
            String type = new String(mp4, at + 4, 4, StandardCharsets.US_ASCII);
            if (size == 1 && at + 16 <= to) {
                size = ByteBuffer.wrap(mp4, at + 8, 8).getLong();
            }
            if (size < 8 || size > to - at) {
                return;
            }
            int end = (int) (at + size);
            switch (type) {
                case "moov", "trak", "mdia" -> clearTimes(mp4, at + 8, end);
                case "mvhd", "tkhd", "mdhd" -> {
                    int version = mp4[at + 8];
                    int width = version == 1 ? 8 : 4;
                    Arrays.fill(mp4, at + 12, Math.min(end, at + 12 + 2 * width), (byte) 0);
                }
                default -> {
                }
            }
            at = end;
        }
    }

    /** JCodec's RGB pictures hold each byte as its value minus 128. */
    private static void fill(Picture rgb, BufferedImage image) {
        if (image.getWidth() != rgb.getWidth() || image.getHeight() != rgb.getHeight()) {
            throw new IllegalArgumentException("every frame must be " + rgb.getWidth() + "x" + rgb.getHeight()
                    + ", got " + image.getWidth() + "x" + image.getHeight());
        }
        byte[] plane = rgb.getPlaneData(0);
        int width = image.getWidth();
        int[] row = new int[width];
        for (int y = 0; y < image.getHeight(); y++) {
            image.getRGB(0, y, width, 1, row, 0, width);
            int base = 3 * y * width;
            for (int x = 0; x < width; x++) {
                int argb = row[x];
                plane[base + 3 * x] = (byte) (((argb >> 16) & 0xff) - 128);
                plane[base + 3 * x + 1] = (byte) (((argb >> 8) & 0xff) - 128);
                plane[base + 3 * x + 2] = (byte) ((argb & 0xff) - 128);
            }
        }
    }

    /**
     * One quantiser for every macroblock, raised only as a safety valve when a macroblock would overflow JCodec's slice
     * buffer (one byte per pixel): then it and the rest of its frame are coded one step coarser, as JCodec's own rate
     * control does. Pictures from a diffusion model stay far below that budget.
     */
    private static final class ConstantQuantiser implements RateControl {
        private static final int MAX_QP = 51;
        private final int qp;
        private int current;
        private int bitsPerMacroblock;

        ConstantQuantiser(int qp) {
            this.qp = qp;
        }

        @Override
        public int startPicture(Size size, int maxSize, SliceType sliceType) {
            int macroblocks = ((size.getWidth() + 15) >> 4) * ((size.getHeight() + 15) >> 4);
            bitsPerMacroblock = (int) Math.min(Integer.MAX_VALUE, 8L * maxSize / macroblocks);
            current = qp;
            return qp;
        }

        @Override
        public int initialQpDelta() {
            return 0;
        }

        @Override
        public int accept(int bits) {
            if (bits > bitsPerMacroblock && current < MAX_QP) {
                current++;
                return 1;
            }
            return 0;
        }
    }
}
