/**
 * CLIP byte-level BPE tokenizer and prompt encoding.
 *
 * <p>Internal to the engine module: other modules use only {@code dev.imagine.engine}; an ArchUnit test
 * enforces this.
 */
package dev.imagine.engine.text;
