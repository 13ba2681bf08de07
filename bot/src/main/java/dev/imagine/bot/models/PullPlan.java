package dev.imagine.bot.models;

import java.nio.file.Path;
import java.util.List;

/**
 * What a pull is about to do.
 *
 * @param ref the repository and revision
 * @param commit the commit every file is fetched from
 * @param folder the model folder
 * @param files how many files the model has
 * @param toFetch how many of them are missing, incomplete or changed
 * @param bytesToFetch bytes still to download (partial downloads count only their missing part)
 * @param bytesPresent bytes of the model already in place
 * @param notes what was left out of the repository, and why
 */
public record PullPlan(RepoRef ref, String commit, Path folder, int files, int toFetch, long bytesToFetch,
        long bytesPresent, List<String> notes) {
    /** Copies the notes. */
    public PullPlan {
        notes = List.copyOf(notes);
    }
}
