/**
 * The public API of the imagine engine: Stable Diffusion text-to-image and image-to-image on ONNX Runtime.
 *
 * <p>Open a model folder with {@link dev.imagine.engine.ImageEngine#open}, describe a job with
 * {@link dev.imagine.engine.GenerationRequest}, and receive a {@link dev.imagine.engine.GenerationResult}.
 * Sub-packages are internal; ONNX Runtime types never leave this module.
 */
package dev.imagine.engine;
