/**
 * The Stable Diffusion ONNX model folder: layout, configuration files and validation.
 *
 * <p>Internal to the engine module: other modules use only {@code dev.imagine.engine}; an ArchUnit test
 * enforces this.
 */
package dev.imagine.engine.model;
