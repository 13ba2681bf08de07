package dev.imagine.storage;

import java.util.EnumMap;
import java.util.Map;

/**
 * Row counts for metrics and {@code imagine db info}.
 *
 * @param users users recorded
 * @param generations generations recorded
 * @param generationsByStatus generations per status; every status is present, with 0 when none
 * @param images images recorded
 * @param imageBytes the images' total size in bytes (a file shared by several rows counts for each)
 */
public record Counts(long users, long generations, Map<GenerationStatus, Long> generationsByStatus, long images,
        long imageBytes) {

    /** Fills missing statuses with 0 and copies the map. */
    public Counts {
        Map<GenerationStatus, Long> all = new EnumMap<>(GenerationStatus.class);
        for (GenerationStatus status : GenerationStatus.values()) {
            all.put(status, generationsByStatus.getOrDefault(status, 0L));
        }
        generationsByStatus = Map.copyOf(all);
    }
}
