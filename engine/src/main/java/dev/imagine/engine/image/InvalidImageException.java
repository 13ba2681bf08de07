package dev.imagine.engine.image;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * An image a user sent cannot be used; {@link #getMessage()} is one sentence to show to that user.
 *
 * <p>Unchecked, so that callers at the edge (chat adapters) catch it where they reply to the user and
 * everything in between stays free of {@code throws} clauses. {@link #reason()} tells the kinds apart
 * without parsing the message.
 */
public final class InvalidImageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why an image was refused. */
    public enum Reason {
        /** The file has more bytes than {@link ImageLimits#maxBytes()}. */
        TOO_MANY_BYTES,
        /** The header announces more pixels than {@link ImageLimits#maxPixels()}. */
        TOO_MANY_PIXELS,
        /** The file is not one of the formats we read. */
        UNSUPPORTED_FORMAT,
        /** The file starts like a supported format but cannot be decoded. */
        DAMAGED
    }

    private final Reason reason;

    InvalidImageException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Why the image was refused. */
    public Reason reason() {
        return reason;
    }

    static InvalidImageException tooManyBytes(long bytes, long limit) {
        String[] shown = formatBytes(bytes, limit);
        return new InvalidImageException(Reason.TOO_MANY_BYTES,
                "the image is " + shown[0] + "; the limit is " + shown[1], null);
    }

    static InvalidImageException tooManyPixels(int width, int height, long limit) {
        long pixels = (long) width * height;
        String size = "the image is " + width + "x" + height + " pixels";
        if (limit < 100_000) {
            return new InvalidImageException(Reason.TOO_MANY_PIXELS,
                    size + "; the limit is " + limit + " pixels", null);
        }
        String[] shown = formatPair(pixels / 1e6, limit / 1e6);
        return new InvalidImageException(Reason.TOO_MANY_PIXELS,
                size + " (" + shown[0] + " megapixels); the limit is " + shown[1] + " megapixels", null);
    }

    static InvalidImageException unsupportedFormat() {
        return new InvalidImageException(Reason.UNSUPPORTED_FORMAT,
                "this file is not a PNG, JPEG or WebP image", null);
    }

    static InvalidImageException damaged(Throwable cause) {
        return new InvalidImageException(Reason.DAMAGED, "the image data is damaged or truncated", cause);
    }

    /** Both sizes in the unit that suits the limit, e.g. {@code {"25.3 MB", "10 MB"}}. */
    private static String[] formatBytes(long bytes, long limit) {
        if (limit < 1_000) {
            return new String[] {bytes + " bytes", limit + " bytes"};
        }
        double unit = limit < 1_000_000 ? 1e3 : 1e6;
        String name = limit < 1_000_000 ? " kB" : " MB";
        String[] shown = formatPair(bytes / unit, limit / unit);
        return new String[] {shown[0] + name, shown[1] + name};
    }

    /**
     * Formats a value and its limit with one decimal, or more when one decimal would show them equal
     * (a 10,000,001-byte file must not read "10 MB; the limit is 10 MB").
     */
    private static String[] formatPair(double value, double limit) {
        String shownValue = "";
        String shownLimit = "";
        for (int decimals = 1; decimals <= 6; decimals++) {
            shownValue = decimal(value, decimals);
            shownLimit = decimal(limit, decimals);
            if (!shownValue.equals(shownLimit)) {
                break;
            }
        }
        return new String[] {shownValue, shownLimit};
    }

    private static String decimal(double value, int decimals) {
        return BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_UP).stripTrailingZeros()
                .toPlainString();
    }
}
