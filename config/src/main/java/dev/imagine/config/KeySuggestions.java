package dev.imagine.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** Finds the known key someone probably meant when they wrote an unknown one. */
final class KeySuggestions {

    private KeySuggestions() {
    }

    /** {@code maxSide}, {@code max_side} and {@code Max Side} all become {@code max-side}. */
    static String normalize(String key) {
        return key.strip().replaceAll("([a-z0-9])([A-Z])", "$1-$2").replace('_', '-').replace(' ', '-')
                .toLowerCase(Locale.ROOT);
    }

    /**
     * The candidate closest to {@code unknown}: the same key in another spelling, else one a few edits away
     * (typos, swapped letters), else one that starts with it or that it starts with.
     */
    static Optional<String> closest(String unknown, Collection<String> candidates) {
        String wanted = normalize(unknown);
        String best = null;
        int bestScore = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            if (candidate.equals(wanted)) {
                return Optional.of(candidate);
            }
            int allowed = Math.max(1, Math.min(3, candidate.length() / 4));
            int score = editDistance(wanted, candidate);
            boolean prefix = Math.min(wanted.length(), candidate.length()) >= 4
                    && (candidate.startsWith(wanted) || wanted.startsWith(candidate));
            if (prefix) {
                score = Math.min(score, allowed);
            }
            if (score <= allowed && score < bestScore) {
                best = candidate;
                bestScore = score;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Edits (insert, delete, replace, swap two neighbours) that turn one text into the other. */
    static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
