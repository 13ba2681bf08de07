package dev.imagine.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Collects the problems found while reading one file, and the sections read, so that unknown keys can be found at
 * the end against every known key.
 */
final class Problems {

    private final List<Supplier<ConfigProblem>> found = new ArrayList<>();
    private final List<Section> sections = new ArrayList<>();
    private final Map<String, String> pathByLeaf = new LinkedHashMap<>();

    void add(String key, String message) {
        ConfigProblem problem = new ConfigProblem(key, message);
        found.add(() -> problem);
    }

    /** Adds a problem whose message is worded at the end, when every section's keys are known. */
    void addLater(String key, Supplier<String> message) {
        found.add(() -> new ConfigProblem(key, message.get()));
    }

    void section(Section section) {
        sections.add(section);
    }

    void knownKey(String leaf, String path) {
        pathByLeaf.putIfAbsent(leaf, path);
    }

    /**
     * The problem for a record constructor's refusal, whose message reads {@code key: what is wrong}. The reader
     * checks every value first, so this is a second line of defence.
     */
    static ConfigProblem refusal(IllegalArgumentException e) {
        String message = e.getMessage();
        int colon = message.indexOf(": ");
        if (colon > 0 && !message.substring(0, colon).contains(" ")) {
            return new ConfigProblem(message.substring(0, colon), message.substring(colon + 2));
        }
        return new ConfigProblem("", message);
    }

    /** Every problem: those found while reading, in order, then unknown keys. */
    List<ConfigProblem> finish() {
        List<ConfigProblem> all = new ArrayList<>();
        found.forEach(problem -> all.add(problem.get()));
        for (Section section : sections) {
            for (String unknown : section.unknownKeys()) {
                all.add(new ConfigProblem(section.keyPath(unknown), unknownKeyMessage(section, unknown)));
            }
        }
        return all;
    }

    private String unknownKeyMessage(Section section, String unknown) {
        String suggestion = KeySuggestions.closest(unknown, section.knownKeys())
                .orElseGet(() -> {
                    String elsewhere = pathByLeaf.get(KeySuggestions.normalize(unknown));
                    return elsewhere == null || elsewhere.equals(section.keyPath(unknown)) ? null : elsewhere;
                });
        return "unknown key; " + (suggestion == null ? "k" : "did you mean " + suggestion + "? K")
                + "eys allowed " + section.where() + ": " + String.join(", ", section.knownKeys());
    }
}
