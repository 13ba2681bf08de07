/**
 * Prompts as AUTOMATIC1111 reads them: emphasis weights and {@code BREAK} ({@link EmphasisParser}), prompt editing
 * and alternation ({@link PromptSchedule}), 75-token chunks with per-token multipliers ({@link PromptChunker}) and
 * the emphasis applied to the text encoder's output ({@link Emphasis}).
 *
 * <p>Internal to the engine module: other modules use only {@code dev.imagine.engine}; an ArchUnit test
 * enforces this.
 */
package dev.imagine.engine.prompt;
