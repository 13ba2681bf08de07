/**
 * Denoising samplers (DDIM, PNDM, Euler, Euler ancestral, LMS, DPM-Solver++(2M) with and without Karras sigmas,
 * LCM) with the step maths of their diffusers counterparts.
 *
 * <p>Internal to the engine module: other modules use only {@code dev.imagine.engine}; an ArchUnit test
 * enforces this.
 */
package dev.imagine.engine.sampler;
