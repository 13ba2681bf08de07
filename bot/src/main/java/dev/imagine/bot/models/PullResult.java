package dev.imagine.bot.models;

import java.nio.file.Path;
import java.util.List;

/**
 * What a pull did.
 *
 * @param folder the model folder, complete and checked
 * @param downloaded files fetched in this run
 * @param alreadyPresent files that were already complete and were not fetched
 * @param bytesDownloaded bytes received in this run
 * @param warnings things worth telling the user, e.g. that the UNet's precision is not the one asked for
 */
public record PullResult(Path folder, int downloaded, int alreadyPresent, long bytesDownloaded,
        List<String> warnings) {
    /** Copies the warnings. */
    public PullResult {
        warnings = List.copyOf(warnings);
    }
}
