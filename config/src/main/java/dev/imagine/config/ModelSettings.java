package dev.imagine.config;

import java.nio.file.Path;

/**
 * Where pulled models live and where they come from (key {@code models}).
 *
 * @param dir the folder holding pulled models, absolute once loaded (key {@code models.dir}, default
 *     {@code ./models} in the working directory)
 * @param hub the model hub (key {@code models.hub})
 */
public record ModelSettings(Path dir, ModelHubSettings hub) {

    /** Default {@code models.dir}, relative to the working directory. */
    public static final String DEFAULT_DIR = "./models";

    /** Requires both parts. */
    public ModelSettings {
        Rules.present("models.dir", dir);
        Rules.present("models.hub", hub);
    }
}
