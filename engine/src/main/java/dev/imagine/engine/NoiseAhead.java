package dev.imagine.engine;

import dev.imagine.engine.noise.TorchGenerator;
import dev.imagine.engine.sampler.NoiseSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * One image's noise stream with its next blocks drawn on a helper thread while the engine's thread runs the UNet:
 * Euler ancestral needs a fresh latent-sized draw at every step, which would otherwise sit on the critical path. The
 * values and their order are exactly those of calling {@link TorchGenerator#randn(int)} on the caller's thread: the
 * draws run one after another (each starts when the previous one has finished), and the generator is touched by one
 * thread at a time, handed over through the futures.
 *
 * <p>Draws {@code blocks} blocks of {@code blockSize} values, up to {@link #LOOKAHEAD_VALUES} ahead of the caller; the
 * caller must take them (as {@code randn(blockSize)}) before asking for anything else, after which requests go to the
 * generator directly. Not thread-safe: one caller.
 */
final class NoiseAhead implements NoiseSource {
    /**
     * Values drawn ahead of the caller per image, at most: 16 MB, every block of a 512x512 job (so the helper can use
     * the text encoder's time too), 16 blocks of a 2048x2048 one. At least two blocks are always drawn ahead.
     */
    static final int LOOKAHEAD_VALUES = 4 << 20;

    private final TorchGenerator generator;
    private final int blockSize;
    private final Executor executor;
    private final ArrayDeque<CompletableFuture<float[]>> pending = new ArrayDeque<>();
    private CompletableFuture<float[]> last = CompletableFuture.completedFuture(null);
    private final int lookahead;
    private int unscheduled;

    /**
     * Starts drawing at once.
     *
     * @param generator the image's generator, not used by anyone else until the blocks are taken
     * @param blocks how many {@code randn(blockSize)} calls the caller will make first
     * @param executor runs the draws, in order of submission (a draw waits for the one before it)
     */
    NoiseAhead(TorchGenerator generator, int blockSize, int blocks, Executor executor) {
        if (blockSize <= 0 || blocks < 0) {
            throw new IllegalArgumentException("block size must be positive and blocks not negative, got " + blockSize
                    + " and " + blocks);
        }
        this.generator = generator;
        this.blockSize = blockSize;
        this.executor = executor;
        this.unscheduled = blocks;
        this.lookahead = Math.max(2, LOOKAHEAD_VALUES / blockSize);
        schedule(Math.min(lookahead, unscheduled));
    }

    /**
     * Hands the helper one task that draws the next {@code blocks} blocks in order, each handed over as soon as it is
     * drawn: one hand-over for all of a 512x512 job's blocks rather than one per block. (Waking the parked helper
     * still costs the engine thread about 0.1 ms per job on the 2-vCPU VM.)
     */
    private void schedule(int blocks) {
        if (blocks <= 0) {
            return;
        }
        unscheduled -= blocks;
        List<CompletableFuture<float[]>> drawn = new ArrayList<>(blocks);
        for (int b = 0; b < blocks; b++) {
            drawn.add(new CompletableFuture<>());
        }
        CompletableFuture<float[]> previous = last;
        last = drawn.get(blocks - 1);
        pending.addAll(drawn);
        Runnable draw = () -> {
            int b = 0;
            try {
                previous.join();
                for (; b < blocks; b++) {
                    drawn.get(b).complete(generator.randn(blockSize));
                }
            } catch (RuntimeException | Error e) {
                for (; b < blocks; b++) {
                    drawn.get(b).completeExceptionally(e);
                }
            }
        };
        try {
            executor.execute(draw);
        } catch (RuntimeException e) {
            drawn.forEach(future -> future.completeExceptionally(e));
        }
    }

    /**
     * The next {@code count} values of the stream.
     *
     * @throws IllegalStateException when {@code count} is not the block size while blocks are still drawn ahead
     */
    @Override
    public float[] randn(int count) {
        if (pending.isEmpty()) {
            return generator.randn(count);
        }
        if (count != blockSize) {
            throw new IllegalStateException("asked for " + count + " noise values while blocks of " + blockSize
                    + " are drawn ahead");
        }
        float[] block;
        try {
            block = pending.poll().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
        if (unscheduled > 0) {
            schedule(1);
        }
        return block;
    }
}
