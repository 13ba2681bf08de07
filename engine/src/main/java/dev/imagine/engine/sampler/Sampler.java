package dev.imagine.engine.sampler;

/**
 * One image's run of a denoising sampler, already cut to the image-to-image strength.
 *
 * <p>Stateful and single-threaded: create one per image with {@link Samplers}. The denoising loop is
 * <pre>{@code
 * for (int i = 0; i < s.calls(); i++) {
 *     s.scaleModelInput(i, sample, input, 0); UNet(input, s.timestep(i))  ->  modelOutput (after guidance)
 *     s.step(i, modelOutput, sample, noise);
 * }
 * }</pre>
 * Arrays are flat latents (for example 4 x 64 x 64); every call of one run must use the same length. The
 * sampler never keeps a reference to the caller's arrays.
 */
public interface Sampler {
    /** UNet evaluations in this run, after the image-to-image cut; may be 0 (strength 0). */
    int calls();

    /**
     * The value to give the UNet's timestep input at {@code call}.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= call < calls()}
     */
    float timestep(int call);

    /**
     * How many times {@link #step} draws {@code sample.length} values from its noise source over the whole run:
     * {@link #calls()} for Euler ancestral, {@code calls() - 1} for LCM (not at the last call), 0 for the others. The
     * engine draws that many blocks ahead of time; the sampler's draws stay the same.
     */
    default int noiseDraws() {
        return 0;
    }

    /** Text-to-image: the initial latent is standard normal noise times this. */
    float initNoiseSigma();

    /**
     * The factor the UNet input is multiplied by at {@code call}: {@code 1/sqrt(sigma^2+1)} for Euler, Euler
     * ancestral and LMS, 1 for the others.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= call < calls()}
     */
    float inputScale(int call);

    /**
     * Writes the UNet input of {@code call} into {@code target} at {@code offset}: {@code sample} scaled as diffusers'
     * {@code scale_model_input} computes it on the CPU (a division by {@code sqrt(sigma^2 + 1)} for Euler, Euler
     * ancestral and LMS, a copy otherwise).
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= call < calls()} and {@code target} has room
     */
    default void scaleModelInput(int call, float[] sample, float[] target, int offset) {
        float scale = inputScale(call);
        if (scale == 1f) {
            System.arraycopy(sample, 0, target, offset, sample.length);
            return;
        }
        for (int k = 0; k < sample.length; k++) {
            target[offset + k] = sample[k] * scale;
        }
    }

    /** As {@link #scaleModelInput(int, float[], float[], int)}, writing into a (direct) float buffer. */
    default void scaleModelInput(int call, float[] sample, java.nio.FloatBuffer target, int offset) {
        float scale = inputScale(call);
        if (scale == 1f) {
            target.put(offset, sample);
            return;
        }
        for (int k = 0; k < sample.length; k++) {
            target.put(offset + k, sample[k] * scale);
        }
    }

    /**
     * Advances {@code sample} in place by one step, from the noise level of {@code call} to the next.
     *
     * @param call the call index; calls must come as 0, 1, 2, ... and each once
     * @param modelOutput the UNet output for this call (after classifier-free guidance); read only
     * @param sample the current latent, overwritten with the next one
     * @param noise the seed's noise stream, drawn from by Euler ancestral ({@code sample.length} values at every
     *     call, the last too) and LCM (at every call but the last); the other samplers ignore it
     * @throws IllegalStateException when {@code call} is out of order
     * @throws IllegalArgumentException when the arrays' lengths differ from each other or from earlier calls
     */
    void step(int call, float[] modelOutput, float[] sample, NoiseSource noise);

    /**
     * Image-to-image: noises {@code cleanLatents} in place to the level of call 0. Leaves them unchanged when
     * the run has no calls (strength 0).
     *
     * @param noise standard normal noise of the same length; read only
     * @throws IllegalArgumentException when the lengths differ
     */
    void addNoise(float[] cleanLatents, float[] noise);
}
