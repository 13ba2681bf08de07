package dev.imagine.bot.command;

import dev.imagine.engine.GenerationRequest;

/** Image sizes from aspect ratios: every side a multiple of 8 from {@value GenerationRequest#MIN_SIDE} up. */
final class Sizes {
    private Sizes() {
    }

    /** A width and a height in pixels. */
    record Size(int width, int height) {
        @Override
        public String toString() {
            return width + "x" + height;
        }
    }

    /**
     * The size with this aspect ratio and about the area of {@code baseWidth x baseHeight}: each side is
     * {@code sqrt(area * ratio)} or {@code sqrt(area / ratio)} rounded to the nearest multiple of 8. When a side
     * would exceed {@code maxSide}, both shrink so that the longer one is {@code maxSide}.
     *
     * @throws CommandException when the ratio is beyond 4:1 either way
     */
    static Size forAspect(AspectRatio ratio, int baseWidth, int baseHeight, int maxSide) {
        requireReasonable(ratio);
        double area = (double) baseWidth * baseHeight;
        double width = Math.sqrt(area * ratio.value());
        double height = Math.sqrt(area / ratio.value());
        double longer = Math.max(width, height);
        if (longer > maxSide) {
            width = width * maxSide / longer;
            height = height * maxSide / longer;
        }
        return new Size(snap(width, maxSide), snap(height, maxSide));
    }

    /**
     * The height for a given width ({@code widthGiven}) or the width for a given height, keeping the ratio, rounded
     * to the nearest multiple of 8.
     *
     * @throws CommandException when the ratio is beyond 4:1 or the other side falls outside
     *     {@value GenerationRequest#MIN_SIDE} to {@code maxSide}
     */
    static Size withSide(AspectRatio ratio, int side, boolean widthGiven, int maxSide) {
        requireReasonable(ratio);
        double other = widthGiven ? side / ratio.value() : side * ratio.value();
        int snapped = (int) Math.round(other / 8) * 8;
        if (snapped < GenerationRequest.MIN_SIDE || snapped > maxSide) {
            throw new CommandException((widthGiven ? "A width" : "A height") + " of " + side + " at " + ratio
                    + " needs a " + (widthGiven ? "height" : "width") + " of " + snapped + ", but sides must be from "
                    + GenerationRequest.MIN_SIDE + " to " + maxSide + "; choose another size or ratio.");
        }
        return widthGiven ? new Size(side, snapped) : new Size(snapped, side);
    }

    static void requireReasonable(AspectRatio ratio) {
        if (!ratio.isReasonable()) {
            throw new CommandException("Aspect ratio " + ratio + " is too extreme; use one from 1:"
                    + AspectRatio.MAX_RATIO + " to " + AspectRatio.MAX_RATIO + ":1.");
        }
    }

    /** The nearest multiple of 8, kept within the smallest side and {@code maxSide}. */
    private static int snap(double side, int maxSide) {
        int snapped = (int) Math.round(side / 8) * 8;
        return Math.max(GenerationRequest.MIN_SIDE, Math.min(maxSide - maxSide % 8, snapped));
    }
}
