package dev.imagine.bot.models;

import dev.imagine.engine.ModelFamily;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A model folder in the models directory, as {@code models list} shows it.
 *
 * @param name the folder's name, usable as {@code --model NAME}
 * @param folder the folder
 * @param family the family the engine detects (the same as {@code imagine models info} shows), or empty when the
 *     engine would refuse the folder (then {@code problem} says why)
 * @param hiddenSize that width, or 0 when the UNet could not be read
 * @param precision the element type of the UNet's {@code sample} input, when known
 * @param sizeBytes bytes of all files in the folder
 * @param origin {@code owner/name[@revision]} it was pulled from, when imagine pulled it
 * @param unfinished whether a pull left {@code .part} files (run it again to finish)
 * @param problem why the UNet could not be read or the engine would refuse the folder, when so
 */
public record LocalModel(String name, Path folder, Optional<ModelFamily> family, int hiddenSize, Optional<Precision> precision,
        long sizeBytes, Optional<String> origin, boolean unfinished, Optional<String> problem) {
}
