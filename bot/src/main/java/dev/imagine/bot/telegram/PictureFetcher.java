package dev.imagine.bot.telegram;

import dev.imagine.bot.command.CommandCore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.objects.File;

/**
 * Fetches a picture a user sent: refuses it by its declared size before anything is downloaded, asks for its path
 * ({@code getFile}) and downloads it from {@code <api-url>/file/bot<token>/<path>}, the configured Bot API server
 * (TelegramBots' own file URL always names api.telegram.org), reading no more than the limit. Thread-safe.
 */
final class PictureFetcher {
    /** The largest file the Bot API lets a bot download: 20 MB. */
    static final long BOT_API_DOWNLOAD_LIMIT = 20L * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(PictureFetcher.class);

    private final BotApi api;
    private final OkHttpClient http;
    private final HttpUrl fileBase;
    private final Redactor redactor;

    /** A picture that could not be fetched; the message is for the user. */
    static final class PictureException extends Exception {
        private static final long serialVersionUID = 1L;

        PictureException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * @param apiBase the Bot API server's root, such as {@code https://api.telegram.org}
     * @param token the bot token, part of every file URL
     */
    PictureFetcher(BotApi api, OkHttpClient http, HttpUrl apiBase, String token, Redactor redactor) {
        this.api = api;
        this.http = http;
        this.fileBase = apiBase.newBuilder().addPathSegment("file").addPathSegment("bot" + token).build();
        this.redactor = redactor;
    }

    /**
     * Why a file of {@code declaredSize} bytes must not be downloaded: over the core's limit or the Bot API's 20 MB.
     *
     * @param declaredSize the size Telegram declared, or -1 when it declared none
     */
    static Optional<String> refuse(CommandCore core, long declaredSize) {
        if (declaredSize < 0) {
            return Optional.empty();
        }
        Optional<String> refusal = core.refuseUpload(declaredSize);
        if (refusal.isPresent() || declaredSize <= BOT_API_DOWNLOAD_LIMIT) {
            return refusal;
        }
        return Optional.of(tooLarge(declaredSize));
    }

    private static String tooLarge(long size) {
        return "That file is " + (size + (1 << 20) - 1) / (1 << 20) + " MB, and Telegram lets bots download files of "
                + "at most 20 MB; send a smaller picture.";
    }

    /**
     * Downloads a file, reading at most the core's limit (and 20 MB).
     *
     * @throws PictureException with a sentence for the user when it is too large or cannot be had
     */
    byte[] download(CommandCore core, String fileId) throws PictureException {
        long limit = Math.min(core.limits().maxImageBytes(), BOT_API_DOWNLOAD_LIMIT);
        File file;
        try {
            file = api.getFile(fileId);
        } catch (BotApi.ApiFailure e) {
            LOG.warn("A sent picture could not be looked up: {}", e.getMessage());
            throw new PictureException("Telegram did not hand me that picture; please send it again.");
        }
        if (file.getFileSize() != null) {
            Optional<String> refusal = refuse(core, file.getFileSize());
            if (refusal.isPresent()) {
                throw new PictureException(refusal.get());
            }
        }
        if (file.getFilePath() == null || file.getFilePath().isBlank()) {
            LOG.warn("getFile gave no path for a sent picture");
            throw new PictureException("Telegram did not hand me that picture; please send it again.");
        }
        HttpUrl url = fileBase.newBuilder().addPathSegments(file.getFilePath().replaceFirst("^/+", "")).build();
        try (Response response = http.newCall(new Request.Builder().url(url).get().build()).execute()) {
            ResponseBody body = response.body();
            if (!response.isSuccessful() || body == null) {
                LOG.warn("Downloading a sent picture failed with HTTP {}", response.code());
                throw new PictureException("Telegram did not hand me that picture; please send it again.");
            }
            byte[] bytes = readAtMost(body.byteStream(), limit + 1);
            if (bytes.length > limit) {
                throw new PictureException(refuse(core, bytes.length).orElse(tooLarge(bytes.length)));
            }
            return bytes;
        } catch (IOException e) {
            LOG.warn("Downloading a sent picture failed: {}", redactor.describe(e));
            throw new PictureException("Telegram did not hand me that picture; please send it again.");
        }
    }

    private static byte[] readAtMost(InputStream in, long max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while (total < max && (n = in.read(buffer, 0, (int) Math.min(buffer.length, max - total))) > 0) {
            out.write(buffer, 0, n);
            total += n;
        }
        return out.toByteArray();
    }
}
