package dev.imagine.engine;

/**
 * Where one frame of an animation sits: on the segment from keyframe {@code from} to keyframe {@code to}, at fraction
 * {@code t}. The frame is a generation with {@code from}'s seed, {@code to}'s seed as variation seed at strength
 * {@code t}, and text conditioning {@code (1 - t) * cond(from) + t * cond(to)}.
 *
 * @param index position in the animation, from 0
 * @param from index of the keyframe the segment starts at
 * @param to index of the keyframe it ends at ({@code 0} for the way back of a looping animation)
 * @param t fraction of the segment, 0 to 1
 */
public record AnimationFrame(int index, int from, int to, double t) {
}
