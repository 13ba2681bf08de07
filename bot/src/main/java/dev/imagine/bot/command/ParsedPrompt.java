package dev.imagine.bot.command;

/**
 * A prompt with its {@code --flags} taken out.
 *
 * @param prompt the text outside the flags, whitespace normalised; never empty
 * @param options the flags' values; unset flags are {@code null}
 */
record ParsedPrompt(String prompt, PromptOptions options) {
}
