/**
 * ONNX Runtime sessions of the model parts and the adaptation of tensors to each graph's dtypes and shapes.
 *
 * <p>Internal to the engine module: other modules use only {@code dev.imagine.engine}; an ArchUnit test
 * enforces this.
 */
package dev.imagine.engine.onnx;
