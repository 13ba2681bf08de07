/**
 * Writes tiny Stable-Diffusion-layout ONNX model folders (real graphs, made-up weights) for tests and the demo model.
 *
 * <p>Internal to the engine module: other modules use only {@code dev.imagine.engine}; an ArchUnit test
 * enforces this.
 */
package dev.imagine.engine.testmodel;
