package dev.imagine.bot.models;

import java.util.List;

/**
 * What the hub's model API says about one revision.
 *
 * @param commit the commit the revision points to, used to fetch every file from the same commit
 * @param gated whether the repository asks users to accept its licence first
 * @param files the repository's files
 */
record RepoListing(String commit, boolean gated, List<RemoteFile> files) {
    RepoListing {
        files = List.copyOf(files);
    }
}
