package dev.imagine.engine.noise;

/**
 * A random stream equal to PyTorch's CPU generator ({@code torch.Generator("cpu").manual_seed(seed)}), so a
 * seed shared by diffusers or ComfyUI users gives the same initial noise here.
 *
 * <p>The engine is a 32-bit Mersenne Twister seeded with {@code init_genrand(seed)}. Float uniforms take the
 * low 24 bits of one draw; {@link #randn(int)} follows PyTorch's CPU normal kernel for float tensors (uniforms
 * first, then Box-Muller in blocks of 16, with 16 fresh uniforms for a ragged tail) and, below 16 values, its
 * serial double-precision Box-Muller with a cached second sample. Not thread-safe: one generator per image.
 */
public final class TorchGenerator {
    private static final int N = 624;
    private static final int M = 397;
    private static final int MATRIX_A = 0x9908b0df;
    private static final int UPPER_MASK = 0x80000000;
    private static final int LOWER_MASK = 0x7fffffff;
    private static final float TWO_PI_F = (float) (2.0 * Math.PI);
    /** The largest seed PyTorch's generator keeps exactly (it uses the low 32 bits). */
    public static final long MAX_SEED = 0xFFFF_FFFFL;

    private final int[] state = new int[N];
    private int next;
    private double cachedNormal;
    private boolean hasCachedNormal;

    /**
     * Seeds a generator like {@code manual_seed(seed)}.
     *
     * @param seed 0 to {@value #MAX_SEED}
     * @throws IllegalArgumentException outside that range
     */
    public TorchGenerator(long seed) {
        if (seed < 0 || seed > MAX_SEED) {
            throw new IllegalArgumentException("seed must be between 0 and " + MAX_SEED + ", got " + seed);
        }
        state[0] = (int) seed;
        for (int i = 1; i < N; i++) {
            int prev = state[i - 1];
            state[i] = 1812433253 * (prev ^ (prev >>> 30)) + i;
        }
        next = N;
    }

    /** The next raw 32-bit draw, as an unsigned value in an int. */
    int nextInt32() {
        if (next >= N) {
            twist();
        }
        int y = state[next++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    private void twist() {
        // The same recurrence as state[i] = state[(i + M) % N] ^ ..., split where the indices wrap, so no modulo.
        int i = 0;
        for (; i < N - M; i++) {
            int y = (state[i] & UPPER_MASK) | (state[i + 1] & LOWER_MASK);
            state[i] = state[i + M] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
        }
        for (; i < N - 1; i++) {
            int y = (state[i] & UPPER_MASK) | (state[i + 1] & LOWER_MASK);
            state[i] = state[i + M - N] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
        }
        int y = (state[N - 1] & UPPER_MASK) | (state[0] & LOWER_MASK);
        state[N - 1] = state[M - 1] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
        next = 0;
    }

    /** Fills {@code out[from..to)} with float uniforms as {@link #nextFloat()} draws them, a state block at a time. */
    private void fillUniforms(float[] out, int from, int to) {
        int i = from;
        while (i < to) {
            if (next >= N) {
                twist();
            }
            int end = Math.min(to, i + (N - next));
            int k = next;
            for (; i < end; i++, k++) {
                int y = state[k];
                y ^= y >>> 11;
                y ^= (y << 7) & 0x9d2c5680;
                y ^= (y << 15) & 0xefc60000;
                y ^= y >>> 18;
                out[i] = (y & 0xFFFFFF) * 0x1.0p-24f;
            }
            next = k;
        }
    }

    /** A float uniform in [0, 1) as {@code torch.rand} makes it: 24 random bits times 2^-24. */
    public float nextFloat() {
        return (nextInt32() & 0xFFFFFF) * 0x1.0p-24f;
    }

    private double nextDouble() {
        long hi = nextInt32() & 0xFFFF_FFFFL;
        long lo = nextInt32() & 0xFFFF_FFFFL;
        long bits = (hi << 32) | lo;
        return (bits & ((1L << 53) - 1)) * 0x1.0p-53;
    }

    /** {@code count} uniforms, as {@code torch.rand(count)}. */
    public float[] rand(int count) {
        float[] out = new float[count];
        fillUniforms(out, 0, count);
        return out;
    }

    /**
     * {@code count} standard normal floats, as {@code torch.randn(count)} (any shape with that many elements).
     *
     * @param count number of values, 0 or more
     */
    public float[] randn(int count) {
        float[] out = new float[count];
        randn(out);
        return out;
    }

    /** Fills {@code out} with standard normal floats; see {@link #randn(int)}. */
    public void randn(float[] out) {
        int count = out.length;
        if (count < 16) {
            for (int i = 0; i < count; i++) {
                out[i] = (float) nextSerialNormal();
            }
            return;
        }
        fillUniforms(out, 0, count);
        for (int i = 0; i + 16 <= count; i += 16) {
            boxMuller16(out, i);
        }
        if (count % 16 != 0) {
            int tail = count - 16;
            fillUniforms(out, tail, count);
            boxMuller16(out, tail);
        }
    }

    private static void boxMuller16(float[] data, int offset) {
        for (int j = 0; j < 8; j++) {
            float u1 = 1f - data[offset + j];
            float u2 = data[offset + j + 8];
            float radius = (float) Math.sqrt(-2f * (float) Math.log(u1));
            float theta = TWO_PI_F * u2;
            data[offset + j] = radius * (float) Math.cos(theta);
            data[offset + j + 8] = radius * (float) Math.sin(theta);
        }
    }

    private double nextSerialNormal() {
        if (hasCachedNormal) {
            hasCachedNormal = false;
            return cachedNormal;
        }
        double u1 = nextDouble();
        double u2 = nextDouble();
        double radius = Math.sqrt(-2.0 * Math.log1p(-u2));
        double theta = 2.0 * Math.PI * u1;
        cachedNormal = radius * Math.sin(theta);
        hasCachedNormal = true;
        return radius * Math.cos(theta);
    }
}
