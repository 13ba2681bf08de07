package dev.imagine.bot.models;

import java.util.regex.Pattern;

/**
 * A hub repository and revision, written {@code owner/name[@revision]}.
 *
 * @param repo {@code owner/name} (or a bare {@code name} for the hub's oldest repositories)
 * @param revision a branch, tag or commit; {@code main} when absent
 */
public record RepoRef(String repo, String revision) {
    /** The revision used when none is given. */
    public static final String MAIN = "main";

    private static final Pattern PART = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9._-]{0,95})");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    /** Checks the names with messages that show the expected form. */
    public RepoRef {
        if (repo == null || repo.isBlank()) {
            throw new ModelException("name a repository, e.g. stable-diffusion-v1-5/stable-diffusion-v1-5@onnx");
        }
        String[] parts = repo.split("/", -1);
        boolean valid = parts.length <= 2;
        for (String part : parts) {
            valid &= PART.matcher(part).matches() && !part.contains("..") && !part.endsWith(".");
        }
        if (!valid) {
            throw new ModelException("'" + repo + "' is not a hub repository name; expected owner/name such as "
                    + "stable-diffusion-v1-5/stable-diffusion-v1-5");
        }
        if (revision == null || revision.isBlank()) {
            revision = MAIN;
        }
        if (revision.length() > 200 || revision.chars().anyMatch(c -> c <= ' ' || c == 0x7f)
                || revision.contains("..")) {
            throw new ModelException("'" + revision + "' is not a revision; use a branch, tag or commit, e.g. onnx");
        }
    }

    /** Parses {@code owner/name} or {@code owner/name@revision}. */
    public static RepoRef parse(String text) {
        String value = text == null ? "" : text.strip();
        int at = value.indexOf('@');
        return at < 0 ? new RepoRef(value, MAIN) : new RepoRef(value.substring(0, at), value.substring(at + 1));
    }

    /**
     * The folder name a pull uses by default: the repository's last part, plus {@code -revision} when the
     * revision is not {@code main} (characters other than letters, digits, {@code . _ -} become {@code -}; a
     * 40-digit commit is shortened to 12).
     */
    public String folderName() {
        String name = repo.substring(repo.indexOf('/') + 1);
        if (revision.equals(MAIN)) {
            return name;
        }
        String rev = COMMIT.matcher(revision).matches() ? revision.substring(0, 12) : revision;
        return name + "-" + rev.replaceAll("[^A-Za-z0-9._-]", "-");
    }

    /** {@code owner/name}, with {@code @revision} unless it is {@code main}. */
    @Override
    public String toString() {
        return revision.equals(MAIN) ? repo : repo + "@" + revision;
    }
}
