/**
 * Gaussian noise that reproduces PyTorch's CPU generator bit for bit (mt19937 + Box-Muller).
 *
 * <p>Internal to the engine module: other modules use only {@code dev.imagine.engine}; an ArchUnit test
 * enforces this.
 */
package dev.imagine.engine.noise;
