package dev.imagine.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What keeps a bot's pictures where they belong (key {@code safety}).
 *
 * @param checker which safety checker the engine runs (key {@code safety.checker}): {@code auto}, the default, takes
 *     the model folder's {@code safety_checker/} when it has one; {@code off}; or the absolute path of a folder
 *     holding a checker (the file's relative path resolved against the working directory)
 * @param nsfw what happens to a picture the checker flags, outside places marked for adults (key
 *     {@code safety.nsfw}, default {@code spoiler})
 * @param blockedWords words or phrases that refuse a prompt before it is queued, matched as whole words without
 *     regard to case (key {@code safety.blocked-words}, default none; at most {@value #MAX_BLOCKED_WORDS} of at most
 *     {@value #MAX_WORD_CHARS} characters each)
 * @param allowInNsfwChannels whether flagged pictures go out as they are in channels the platform marks
 *     age-restricted (Discord's NSFW channels) (key {@code safety.allow-in-nsfw-channels}, default true)
 */
public record SafetySettings(String checker, NsfwAction nsfw, List<String> blockedWords,
        boolean allowInNsfwChannels) {

    /** The most entries of {@code blocked-words}. */
    public static final int MAX_BLOCKED_WORDS = 1000;
    /** The longest entry of {@code blocked-words}, in characters. */
    public static final int MAX_WORD_CHARS = 100;

    /** Where the safety checker comes from. */
    public enum Checker {
        /** The model folder's own, when it has one. */
        AUTO,
        /** None. */
        OFF,
        /** The one in the folder {@link SafetySettings#checker()} names. */
        FOLDER
    }

    /** What a flagged picture becomes outside places marked for adults. */
    public enum NsfwAction {
        /** Sent hidden behind the platform's spoiler (Telegram's {@code has_spoiler}, Discord's {@code SPOILER_}). */
        SPOILER,
        /** Not sent; the chat is told a picture was withheld. */
        BLOCK,
        /** Sent as it is. */
        ALLOW
    }

    /** Requires every part and copies the word list. */
    public SafetySettings {
        Rules.present("safety.checker", checker);
        Rules.present("safety.nsfw", nsfw);
        if (checker.isBlank()) {
            throw new IllegalArgumentException("safety.checker: use auto, off or a folder");
        }
        blockedWords = List.copyOf(blockedWords);
        if (blockedWords.size() > MAX_BLOCKED_WORDS) {
            throw new IllegalArgumentException("safety.blocked-words: " + blockedWords.size() + " entries; use at most "
                    + MAX_BLOCKED_WORDS);
        }
    }

    /** The model's own checker, spoilers for flagged pictures, no blocked words, age-restricted channels as they are. */
    public static SafetySettings defaults() {
        return new SafetySettings("auto", NsfwAction.SPOILER, List.of(), true);
    }

    /** Where the checker comes from, read from {@link #checker()}. */
    public Checker checkerMode() {
        return checker.equals("auto") ? Checker.AUTO : checker.equals("off") ? Checker.OFF : Checker.FOLDER;
    }

    /** The checker's folder with {@link Checker#FOLDER}, else empty. */
    public Optional<Path> checkerFolder() {
        return checkerMode() == Checker.FOLDER ? Optional.of(Path.of(checker)) : Optional.empty();
    }
}
