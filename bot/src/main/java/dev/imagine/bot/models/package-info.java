/**
 * Getting models: {@link dev.imagine.bot.models.ModelPuller} fetches a Stable Diffusion ONNX folder from a
 * Hugging Face hub (resumably, with every file's hash checked), and {@link dev.imagine.bot.models.ModelStore}
 * finds, lists and verifies the folders pulled into the models directory.
 */
package dev.imagine.bot.models;
