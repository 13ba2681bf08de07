package dev.imagine.engine.sampler;

/**
 * K-LMS, step for step diffusers' {@code LMSDiscreteScheduler.step} with its default order 4: a linear multistep
 * method over the last four ODE derivatives {@code (x - x0) / sigma}, whose weights are the integrals of the
 * Lagrange basis polynomials through the last noise levels over the step from {@code sigma} to the next.
 *
 * <p>diffusers integrates with SciPy's {@code integrate.quad}. The integrand is a polynomial of degree at most 3,
 * so QUADPACK's first 21-point Gauss-Kronrod pass is exact and passes its error test, and quad returns it. diffusers
 * evaluates the integrand on float32 tensors; {@link #coefficient} does the same, which reproduces diffusers'
 * coefficients to the last bit of the float32 each is multiplied as.
 *
 * <p>Like diffusers, the order of a step is {@code min(stepIndex + 1, 4)} counted from the start of the full
 * schedule, while only the derivatives of this run exist: image-to-image runs weight their first derivative by the
 * first coefficient of an order-4 rule through noise levels they never visited.
 */
final class LmsSampler extends SigmaSampler {
    static final int ORDER = 4;

    // Abscissae of the 21-point Gauss-Kronrod rule on [-1, 1] (non-negative half, descending; the odd positions
    // 1, 3, ..., 9 are the 10-point Gauss nodes) and their Kronrod weights, derived from the Legendre polynomial P10
    // and its Stieltjes polynomial with 60-digit arithmetic; the rule is exact for polynomials of degree 31.
    private static final double[] NODES = {0.9956571630258081, 0.9739065285171717, 0.9301574913557082,
        0.8650633666889845, 0.7808177265864169, 0.6794095682990244, 0.5627571346686047, 0.4333953941292472,
        0.2943928627014602, 0.14887433898163122, 0.0};
    private static final double[] WEIGHTS = {0.011694638867371874, 0.032558162307964725, 0.054755896574351995,
        0.07503967481091996, 0.0931254545836976, 0.10938715880229764, 0.12349197626206584, 0.13470921731147334,
        0.14277593857706009, 0.14773910490133849, 0.1494455540029169};
    // QUADPACK's summation order: the centre, then the Gauss nodes, then the Kronrod ones.
    private static final int[] SUMMATION_ORDER = {1, 3, 5, 7, 9, 0, 2, 4, 6, 8};

    private final boolean vPrediction;
    // Per call, the weights of the newest, second-newest, ... derivative (as many as the run has by then).
    private final float[][] coefficients;
    private final float[][] derivatives = new float[ORDER][];
    private int newest = -1;

    LmsSampler(NoiseScheduleConfig config, NoiseSchedule schedule, float[] allTimesteps, int begin) {
        super(config, schedule, allTimesteps, begin);
        vPrediction = config.predictionType() == PredictionType.V_PREDICTION;
        float[] sigmas = new float[allTimesteps.length + 1];
        for (int i = 0; i < sigmas.length; i++) {
            sigmas[i] = sigmaAt(i);
        }
        coefficients = new float[calls()][];
        for (int call = 0; call < calls(); call++) {
            int index = stepIndex(call);
            int order = Math.min(index + 1, ORDER);
            int used = Math.min(order, Math.min(call + 1, ORDER));
            coefficients[call] = new float[used];
            for (int j = 0; j < used; j++) {
                coefficients[call][j] = (float) coefficient(sigmas, order, index, j);
            }
        }
    }

    /**
     * diffusers' {@code get_lms_coefficient(order, t, current)}: the integral over {@code [sigmas[t], sigmas[t+1]]}
     * of the Lagrange basis polynomial that is 1 at {@code sigmas[t - current]} and 0 at the other nodes
     * {@code sigmas[t - k]}, {@code k < order}, with the integrand in float32 as diffusers' tensors compute it.
     */
    static double coefficient(float[] sigmas, int order, int t, int current) {
        double a = sigmas[t];
        double b = sigmas[t + 1];
        double centre = 0.5 * (a + b);
        double half = 0.5 * (b - a);
        double sum = WEIGHTS[10] * basis(sigmas, order, t, current, centre);
        for (int j : SUMMATION_ORDER) {
            double offset = half * NODES[j];
            sum += WEIGHTS[j] * (basis(sigmas, order, t, current, centre - offset)
                    + basis(sigmas, order, t, current, centre + offset));
        }
        return sum * half;
    }

    private static double basis(float[] sigmas, int order, int t, int current, double tau) {
        float x = (float) tau;
        float node = sigmas[t - current];
        float product = 1f;
        for (int k = 0; k < order; k++) {
            if (k != current) {
                float other = sigmas[t - k];
                product *= (x - other) / (node - other);
            }
        }
        return product;
    }

    /** The weights of call {@code call}, newest derivative first. */
    float[] coefficients(int call) {
        return coefficients[checkCall(call)].clone();
    }

    @Override
    void advance(int call, float[] modelOutput, float[] sample, NoiseSource noise) {
        float sigma = sigma(call);
        float[] c = coefficients[call];
        newest = (newest + 1) % ORDER;
        if (derivatives[newest] == null) {
            derivatives[newest] = new float[sample.length];
        }
        float[] d0 = derivatives[newest];
        float[] d1 = derivatives[(newest + 3) % ORDER];
        float[] d2 = derivatives[(newest + 2) % ORDER];
        float[] d3 = derivatives[(newest + 1) % ORDER];
        float sigmaSquaredPlusOne = sigma * sigma + 1f;
        float cOut = -sigma / sqrt(sigmaSquaredPlusOne);
        int n = sample.length;
        // Two simple passes (derivative, then update) let the JIT vectorize both.
        if (vPrediction) {
            for (int i = 0; i < n; i++) {
                float x = sample[i];
                float x0 = modelOutput[i] * cOut + x / sigmaSquaredPlusOne;
                d0[i] = (x - x0) / sigma;
            }
        } else {
            for (int i = 0; i < n; i++) {
                float x = sample[i];
                float x0 = x - sigma * modelOutput[i];
                d0[i] = (x - x0) / sigma;
            }
        }
        switch (c.length) {
            case 1 -> {
                float c0 = c[0];
                for (int i = 0; i < n; i++) {
                    sample[i] = sample[i] + c0 * d0[i];
                }
            }
            case 2 -> {
                float c0 = c[0];
                float c1 = c[1];
                for (int i = 0; i < n; i++) {
                    sample[i] = sample[i] + (c0 * d0[i] + c1 * d1[i]);
                }
            }
            case 3 -> {
                float c0 = c[0];
                float c1 = c[1];
                float c2 = c[2];
                for (int i = 0; i < n; i++) {
                    sample[i] = sample[i] + (c0 * d0[i] + c1 * d1[i] + c2 * d2[i]);
                }
            }
            default -> {
                float c0 = c[0];
                float c1 = c[1];
                float c2 = c[2];
                float c3 = c[3];
                for (int i = 0; i < n; i++) {
                    sample[i] = sample[i] + (c0 * d0[i] + c1 * d1[i] + c2 * d2[i] + c3 * d3[i]);
                }
            }
        }
    }
}
