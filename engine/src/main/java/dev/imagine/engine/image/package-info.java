/**
 * Pixels in and out: PNG with generation parameters, decoding with limits, resizing.
 *
 * <p>Internal to the engine module: other modules use only {@code dev.imagine.engine}; an ArchUnit test
 * enforces this.
 */
package dev.imagine.engine.image;
