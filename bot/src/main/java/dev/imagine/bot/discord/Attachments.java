package dev.imagine.bot.discord;

import dev.imagine.bot.command.InitImage;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.dv8tion.jda.api.entities.Message;

/**
 * The picture a user attached to {@code /imagine}: only the attachment Discord delivered with the interaction (never
 * a URL from the prompt), refused by its declared type before download, and downloaded through JDA's attachment proxy
 * reading at most one byte more than the limit, so a file larger than it claimed costs no more memory than the limit.
 * The command core checks the size again and reads width and height before decoding.
 */
final class Attachments {
    private static final Set<String> ACCEPTED = Set.of("image/png", "image/jpeg", "image/jpg", "image/pjpeg",
            "image/webp");
    private static final int NAME_CHARS = 60;

    private Attachments() {
    }

    /** Why a download gave no picture, as a sentence for the user. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /**
     * Refuses a file whose declared content type is not PNG, JPEG or WebP. A file without a declared type passes:
     * its bytes are checked after download.
     *
     * @return the sentence to answer with, or empty
     */
    static Optional<String> refuseType(String fileName, String contentType) {
        String type = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (type.isEmpty() || ACCEPTED.contains(type)) {
            return Optional.empty();
        }
        return Optional.of("Your file \"" + printable(fileName) + "\" is " + printable(type) + ", not a PNG, JPEG or "
                + "WebP image; attach one of those as the image option, or leave it out.");
    }

    /**
     * Downloads the attachment, at most {@code maxBytes} + 1 bytes of it.
     *
     * @throws Refused when the file is larger than {@code maxBytes} (whatever size Discord declared), or the download
     *     fails or takes longer than {@code timeout}
     */
    static InitImage download(Message.Attachment attachment, long maxBytes, Duration timeout)
            throws Refused, InterruptedException {
        CompletableFuture<InputStream> download = attachment.getProxy().download();
        try (InputStream in = download.get(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw new Refused("Your picture is larger than the limit of " + Uploads.size(maxBytes)
                        + "; send a smaller one.");
            }
            return new InitImage(bytes, attachment.getSize());
        } catch (TimeoutException e) {
            download.cancel(true);
            throw new Refused("Downloading your picture from Discord took longer than " + timeout.toSeconds()
                    + " seconds; please try again.");
        } catch (ExecutionException | IOException e) {
            throw new Refused("Your picture could not be downloaded from Discord; please try again.");
        }
    }

    /** At most {@value #NAME_CHARS} characters of user text, without control characters, quotes or markup. */
    static String printable(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(NAME_CHARS).forEach(c -> out.appendCodePoint(
                Character.isISOControl(c) || c == '"' || c == '`' || c == '*' || c == '_' || c == '~' || c == '|'
                        ? '?' : c));
        return out.toString();
    }
}
