package dev.imagine.engine.sampler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The noise schedule of a model: {@code scheduler/scheduler_config.json} of a diffusers model folder, with
 * diffusers' defaults filled in.
 *
 * <p>A key the file leaves out holds the default of the file's own scheduler class ({@link #className()}), or
 * DDIM's default where that class has no such key, and its name is kept in {@link #defaultedKeys()}. A sampler of another class replaces such keys with its own class
 * defaults, as diffusers' {@code Sampler.from_config(pipe.scheduler.config)} does since diffusers 0.18: Euler on
 * an SD 1.5 folder (a PNDM config without {@code timestep_spacing}) spaces its timesteps with linspace, DDIM and
 * PNDM with leading.
 *
 * @param className the diffusers class named by {@code _class_name}, or {@code ""} when the file names none
 * @param trainTimesteps {@code num_train_timesteps}, T
 * @param betaStart {@code beta_start}
 * @param betaEnd {@code beta_end}
 * @param betaSchedule {@code beta_schedule}: {@code scaled_linear}, {@code linear} or {@code squaredcos_cap_v2}
 *     (ignored when {@code trainedBetas} is given)
 * @param trainedBetas {@code trained_betas}, one per trained timestep, or {@code null}
 * @param predictionType {@code prediction_type}
 * @param spacing {@code timestep_spacing}
 * @param stepsOffset {@code steps_offset}, added to leading timesteps
 * @param setAlphaToOne {@code set_alpha_to_one}: DDIM and PNDM take 1 (else the first trained alpha product) as
 *     the alpha product before timestep 0
 * @param clipSample {@code clip_sample}: DDIM clamps its predicted clean latent to {@code ±clipSampleRange}
 * @param clipSampleRange {@code clip_sample_range}
 * @param originalInferenceSteps {@code original_inference_steps}: the LCM sampler picks its timesteps out of this
 *     many evenly spaced ones (50 unless the file says otherwise)
 * @param timestepScaling {@code timestep_scaling}: the LCM sampler multiplies the timestep by this in its boundary
 *     scalings (10 unless the file says otherwise)
 * @param lambdaMinClipped {@code lambda_min_clipped}: the DPM-Solver++ samplers leave out the trained timesteps whose
 *     log signal-to-noise half-ratio lies below this ({@code -Infinity}, none, unless the file says otherwise)
 * @param defaultedKeys the keys the file left out (or listed in {@code _use_default_values})
 * @param unsupportedOptions options the file sets to something these samplers cannot follow, as key to value;
 *     a sampler whose diffusers class reads one of them refuses the config
 */
public record NoiseScheduleConfig(String className, int trainTimesteps, double betaStart, double betaEnd,
        String betaSchedule, float[] trainedBetas, PredictionType predictionType, TimestepSpacing spacing,
        int stepsOffset, boolean setAlphaToOne, boolean clipSample, double clipSampleRange,
        int originalInferenceSteps, double timestepScaling, double lambdaMinClipped, Set<String> defaultedKeys,
        Map<String, String> unsupportedOptions) {

    static final String SPACING = "timestep_spacing";
    static final String SET_ALPHA_TO_ONE = "set_alpha_to_one";
    static final String CLIP_SAMPLE = "clip_sample";
    static final String BETA_START = "beta_start";
    static final String BETA_END = "beta_end";
    static final String BETA_SCHEDULE = "beta_schedule";
    static final String USE_KARRAS_SIGMAS = "use_karras_sigmas";

    /** LCMScheduler's default {@code original_inference_steps}. */
    static final int DEFAULT_ORIGINAL_INFERENCE_STEPS = 50;
    /** LCMScheduler's default {@code timestep_scaling}. */
    static final double DEFAULT_TIMESTEP_SCALING = 10.0;

    private static final List<String> RECORD_KEYS = List.of("num_train_timesteps", BETA_START, BETA_END,
            BETA_SCHEDULE, "trained_betas", "prediction_type", SPACING, "steps_offset", SET_ALPHA_TO_ONE,
            CLIP_SAMPLE, "clip_sample_range", "original_inference_steps", "timestep_scaling", "lambda_min_clipped");
    private static final Set<String> BETA_SCHEDULES = Set.of("scaled_linear", "linear", "squaredcos_cap_v2");

    // Classes whose __init__ defaults timestep_spacing to "leading" (checked in diffusers' schedulers/ sources:
    // scheduling_ddim*.py, scheduling_ddpm*.py, scheduling_dpm_cogvideox.py, scheduling_lcm.py,
    // scheduling_pndm.py, scheduling_tcd.py). Every other class defaults to "linspace", among them
    // EulerDiscreteScheduler, EulerAncestralDiscreteScheduler, LMSDiscreteScheduler, DPMSolverMultistepScheduler.
    private static final Set<String> LEADING_CLASSES = Set.of("DDIMScheduler", "DDIMInverseScheduler",
            "DDIMParallelScheduler", "CogVideoXDDIMScheduler", "DDPMScheduler", "DDPMParallelScheduler",
            "CogVideoXDPMScheduler", "LCMScheduler", "PNDMScheduler", "TCDScheduler");

    // The SD 1.x scheduler/scheduler_config.json as published with runwayml/stable-diffusion-v1-5.
    private static final String SD_V1_JSON = """
            {"_class_name": "PNDMScheduler", "beta_end": 0.012, "beta_schedule": "scaled_linear",
             "beta_start": 0.00085, "clip_sample": false, "num_train_timesteps": 1000, "set_alpha_to_one": false,
             "skip_prk_steps": true, "steps_offset": 1, "trained_betas": null}""";

    /**
     * Validates and freezes the values.
     *
     * @throws IllegalArgumentException naming the key whose value is out of range
     */
    public NoiseScheduleConfig {
        Objects.requireNonNull(className, "className");
        Objects.requireNonNull(betaSchedule, "betaSchedule");
        Objects.requireNonNull(predictionType, "predictionType");
        Objects.requireNonNull(spacing, "spacing");
        List<String> problems = rangeProblems(trainTimesteps, betaStart, betaEnd, betaSchedule, trainedBetas,
                stepsOffset, clipSampleRange, originalInferenceSteps, timestepScaling, lambdaMinClipped);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        if (trainedBetas != null) {
            trainedBetas = trainedBetas.clone();
        }
        defaultedKeys = Set.copyOf(defaultedKeys);
        unsupportedOptions = Map.copyOf(unsupportedOptions);
    }

    /**
     * A config without the LCM and DPM-Solver++ keys: {@code original_inference_steps} 50, {@code timestep_scaling}
     * 10, {@code lambda_min_clipped} {@code -Infinity}.
     *
     * @throws IllegalArgumentException as the canonical constructor
     */
    public NoiseScheduleConfig(String className, int trainTimesteps, double betaStart, double betaEnd,
            String betaSchedule, float[] trainedBetas, PredictionType predictionType, TimestepSpacing spacing,
            int stepsOffset, boolean setAlphaToOne, boolean clipSample, double clipSampleRange,
            Set<String> defaultedKeys, Map<String, String> unsupportedOptions) {
        this(className, trainTimesteps, betaStart, betaEnd, betaSchedule, trainedBetas, predictionType, spacing,
                stepsOffset, setAlphaToOne, clipSample, clipSampleRange, DEFAULT_ORIGINAL_INFERENCE_STEPS,
                DEFAULT_TIMESTEP_SCALING, Double.NEGATIVE_INFINITY, defaultedKeys, unsupportedOptions);
    }

    /**
     * A config with every value given: no defaulted keys, no clipping, no unsupported options, the LCM and
     * DPM-Solver++ keys at their defaults.
     *
     * @throws IllegalArgumentException as the canonical constructor
     */
    public NoiseScheduleConfig(String className, int trainTimesteps, double betaStart, double betaEnd,
            String betaSchedule, float[] trainedBetas, PredictionType predictionType, TimestepSpacing spacing,
            int stepsOffset, boolean setAlphaToOne) {
        this(className, trainTimesteps, betaStart, betaEnd, betaSchedule, trainedBetas, predictionType, spacing,
                stepsOffset, setAlphaToOne, false, 1.0, Set.of(), Map.of());
    }

    /** Every value out of range, each as a sentence naming its key; empty when all are fine. */
    private static List<String> rangeProblems(int trainTimesteps, double betaStart, double betaEnd,
            String betaSchedule, float[] trainedBetas, int stepsOffset, double clipSampleRange,
            int originalInferenceSteps, double timestepScaling, double lambdaMinClipped) {
        List<String> problems = new ArrayList<>();
        if (trainTimesteps < 1) {
            problems.add("num_train_timesteps must be at least 1, got " + trainTimesteps);
        }
        if (trainedBetas == null) {
            if (!BETA_SCHEDULES.contains(betaSchedule)) {
                problems.add("beta_schedule '" + betaSchedule
                        + "' is not supported; allowed: scaled_linear, linear, squaredcos_cap_v2");
            }
            checkBeta(problems, "beta_start", betaStart);
            checkBeta(problems, "beta_end", betaEnd);
        } else {
            if (trainedBetas.length != trainTimesteps) {
                problems.add("trained_betas has " + trainedBetas.length + " values but num_train_timesteps is "
                        + trainTimesteps);
            }
            for (float beta : trainedBetas) {
                if (checkBeta(problems, "trained_betas", beta)) {
                    break;
                }
            }
        }
        if (stepsOffset < 0) {
            problems.add("steps_offset must not be negative, got " + stepsOffset);
        }
        if (!(clipSampleRange > 0) || Double.isInfinite(clipSampleRange)) {
            problems.add("clip_sample_range must be a positive number, got " + clipSampleRange);
        }
        if (originalInferenceSteps < 1) {
            problems.add("original_inference_steps must be at least 1, got " + originalInferenceSteps);
        }
        if (!(timestepScaling > 0) || Double.isInfinite(timestepScaling)) {
            problems.add("timestep_scaling must be a positive number, got " + timestepScaling);
        }
        if (Double.isNaN(lambdaMinClipped) || lambdaMinClipped == Double.POSITIVE_INFINITY) {
            problems.add("lambda_min_clipped must be a number or -Infinity, got " + lambdaMinClipped);
        }
        return problems;
    }

    /** Adds a sentence and answers true when {@code beta} is outside [0, 1). */
    private static boolean checkBeta(List<String> problems, String key, double beta) {
        if (!(beta >= 0 && beta < 1)) {
            problems.add(key + " must be in [0, 1), got " + beta);
            return true;
        }
        return false;
    }

    /**
     * Whether the file asks for Karras sigmas ({@code use_karras_sigmas: true}), as the DPM-Solver++ configs of many
     * fine-tuned models do. The DPM-Solver++ samplers ignore the key (plain or Karras is their own choice); Euler and
     * LMS refuse such a config.
     */
    public boolean usesKarrasSigmas() {
        return unsupportedOptions.containsKey(USE_KARRAS_SIGMAS);
    }

    /** {@code trained_betas}, or {@code null}; a copy the caller owns. */
    @Override
    public float[] trainedBetas() {
        return trainedBetas == null ? null : trainedBetas.clone();
    }

    /**
     * Reads a {@code scheduler_config.json}, filling in diffusers' defaults for the keys it leaves out.
     *
     * <p>Keys of other schedulers are ignored, except options that would change the maths of one of these
     * samplers ({@code thresholding}, {@code rescale_betas_zero_snr}, {@code use_karras_sigmas}, ...), which are
     * kept in {@link #unsupportedOptions()}.
     *
     * @throws IllegalArgumentException naming every bad key with its value at once: wrong types, unknown
     *     {@code beta_schedule}, {@code timestep_spacing} or {@code prediction_type}, {@code sample} prediction,
     *     values out of range
     */
    public static NoiseScheduleConfig parse(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("scheduler config must be a JSON object");
        }
        Reader in = new Reader(json);
        String className = in.text("_class_name", "");
        boolean pndmClass = className.equals("PNDMScheduler");
        int trainTimesteps = in.integer("num_train_timesteps", 1000);
        double betaStart = in.number(BETA_START, 0.0001);
        double betaEnd = in.number(BETA_END, 0.02);
        String betaSchedule = in.text(BETA_SCHEDULE, "linear");
        float[] trainedBetas = in.floats("trained_betas");
        PredictionType prediction = in.named(PredictionType::parse, "prediction_type", "epsilon",
                PredictionType.EPSILON);
        String spacingName = in.text(SPACING, null);
        TimestepSpacing spacing = spacingName != null
                ? in.named(TimestepSpacing::parse, SPACING, spacingName, TimestepSpacing.LEADING)
                : LEADING_CLASSES.contains(className) ? TimestepSpacing.LEADING : TimestepSpacing.LINSPACE;
        int stepsOffset = in.integer("steps_offset", 0);
        boolean setAlphaToOne = in.bool(SET_ALPHA_TO_ONE, !pndmClass);
        boolean clipSample = in.bool(CLIP_SAMPLE, true);
        double clipSampleRange = in.number("clip_sample_range", 1.0);
        int originalSteps = in.integer("original_inference_steps", DEFAULT_ORIGINAL_INFERENCE_STEPS);
        double timestepScaling = in.number("timestep_scaling", DEFAULT_TIMESTEP_SCALING);
        double lambdaMinClipped = in.number("lambda_min_clipped", Double.NEGATIVE_INFINITY);

        Set<String> defaulted = new HashSet<>();
        for (String key : RECORD_KEYS) {
            if (!in.has(key)) {
                defaulted.add(key);
            }
        }
        Map<String, String> unsupported = new LinkedHashMap<>();
        for (String key : new String[] {"thresholding", "rescale_betas_zero_snr", USE_KARRAS_SIGMAS,
                "use_exponential_sigmas", "use_beta_sigmas", "use_lu_lambdas", "use_flow_sigmas"}) {
            if (in.bool(key, false)) {
                unsupported.put(key, "true");
            }
        }
        String varianceType = in.text("variance_type", null);
        if (varianceType != null) {
            unsupported.put("variance_type", varianceType);
        }
        String interpolation = in.text("interpolation_type", "linear");
        if (!interpolation.equals("linear")) {
            unsupported.put("interpolation_type", interpolation);
        }
        String finalSigmas = in.text("final_sigmas_type", "zero");
        if (!finalSigmas.equals("zero")) {
            unsupported.put("final_sigmas_type", finalSigmas);
        }
        String timestepType = in.text("timestep_type", "discrete");
        if (timestepType.equals("continuous") && prediction == PredictionType.V_PREDICTION) {
            unsupported.put("timestep_type", timestepType);
        }
        List<String> problems = new ArrayList<>(in.problems);
        problems.addAll(rangeProblems(trainTimesteps, betaStart, betaEnd, betaSchedule, trainedBetas, stepsOffset,
                clipSampleRange, originalSteps, timestepScaling, lambdaMinClipped));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("scheduler config: " + String.join("; ", problems));
        }
        return new NoiseScheduleConfig(className, trainTimesteps, betaStart, betaEnd, betaSchedule, trainedBetas,
                prediction, spacing, stepsOffset, setAlphaToOne, clipSample, clipSampleRange, originalSteps,
                timestepScaling, lambdaMinClipped, defaulted, unsupported);
    }

    /**
     * The SD 1.x schedule: the {@code PNDMScheduler} config published with Stable Diffusion 1.5 (scaled_linear
     * betas 0.00085..0.012 over 1000 steps, steps_offset 1, set_alpha_to_one false, clip_sample false, no
     * timestep_spacing).
     */
    public static NoiseScheduleConfig stableDiffusionV1() {
        try {
            return parse(new ObjectMapper().readTree(SD_V1_JSON));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * This config as a diffusers class would read it after {@code from_config}: the defaulted keys take that
     * class's defaults.
     */
    NoiseScheduleConfig resolvedFor(SamplerClass target) {
        TimestepSpacing resolvedSpacing = defaultedKeys.contains(SPACING) ? target.defaultSpacing() : spacing;
        boolean resolvedAlpha = defaultedKeys.contains(SET_ALPHA_TO_ONE) ? target.defaultSetAlphaToOne()
                : setAlphaToOne;
        boolean resolvedClip = defaultedKeys.contains(CLIP_SAMPLE) ? target.defaultClipSample() : clipSample;
        boolean betasDefaulted = trainedBetas == null;
        double resolvedStart = betasDefaulted && defaultedKeys.contains(BETA_START) ? target.defaultBetaStart()
                : betaStart;
        double resolvedEnd = betasDefaulted && defaultedKeys.contains(BETA_END) ? target.defaultBetaEnd() : betaEnd;
        String resolvedSchedule = betasDefaulted && defaultedKeys.contains(BETA_SCHEDULE)
                ? target.defaultBetaSchedule() : betaSchedule;
        for (String key : target.mathsOptions()) {
            if (unsupportedOptions.containsKey(key)) {
                throw new IllegalArgumentException("this model's scheduler config sets " + key + "="
                        + unsupportedOptions.get(key) + ", which the " + target.userName()
                        + " sampler does not support; choose another sampler");
            }
        }
        return new NoiseScheduleConfig(className, trainTimesteps, resolvedStart, resolvedEnd, resolvedSchedule,
                trainedBetas, predictionType, resolvedSpacing, stepsOffset, resolvedAlpha, resolvedClip,
                clipSampleRange, originalInferenceSteps, timestepScaling, lambdaMinClipped, Set.of(), Map.of());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NoiseScheduleConfig c && className.equals(c.className)
                && trainTimesteps == c.trainTimesteps
                && Double.compare(betaStart, c.betaStart) == 0 && Double.compare(betaEnd, c.betaEnd) == 0
                && betaSchedule.equals(c.betaSchedule) && Arrays.equals(trainedBetas, c.trainedBetas)
                && predictionType == c.predictionType && spacing == c.spacing && stepsOffset == c.stepsOffset
                && setAlphaToOne == c.setAlphaToOne && clipSample == c.clipSample
                && Double.compare(clipSampleRange, c.clipSampleRange) == 0
                && originalInferenceSteps == c.originalInferenceSteps
                && Double.compare(timestepScaling, c.timestepScaling) == 0
                && Double.compare(lambdaMinClipped, c.lambdaMinClipped) == 0
                && defaultedKeys.equals(c.defaultedKeys) && unsupportedOptions.equals(c.unsupportedOptions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(className, trainTimesteps, betaStart, betaEnd, betaSchedule,
                Arrays.hashCode(trainedBetas), predictionType, spacing, stepsOffset, setAlphaToOne, clipSample,
                clipSampleRange, originalInferenceSteps, timestepScaling, lambdaMinClipped, defaultedKeys,
                unsupportedOptions);
    }

    @Override
    public String toString() {
        return "NoiseScheduleConfig[" + (className.isEmpty() ? "?" : className) + ", T=" + trainTimesteps + ", "
                + (trainedBetas != null ? "trained betas" : betaSchedule + " " + betaStart + ".." + betaEnd) + ", "
                + predictionType.configName() + ", " + spacing.configName() + ", steps_offset=" + stepsOffset
                + ", set_alpha_to_one=" + setAlphaToOne + ", clip_sample=" + clipSample
                + (clipSample ? "(" + clipSampleRange + ")" : "")
                + ", original_inference_steps=" + originalInferenceSteps + ", timestep_scaling=" + timestepScaling
                + (lambdaMinClipped == Double.NEGATIVE_INFINITY ? "" : ", lambda_min_clipped=" + lambdaMinClipped)
                + ", defaulted=" + new TreeSet<>(defaultedKeys)
                + (unsupportedOptions.isEmpty() ? "" : ", unsupported=" + unsupportedOptions) + "]";
    }

    /**
     * Typed reads of the config's keys that remember which keys fell back to a default; a value of the wrong type
     * is noted in {@link #problems} and read as the fallback, so that one pass finds every bad key.
     */
    private static final class Reader {
        private final JsonNode json;
        private final Set<String> useDefault = new HashSet<>();
        private final List<String> problems = new ArrayList<>();

        Reader(JsonNode json) {
            this.json = json;
            JsonNode listed = json.get("_use_default_values");
            if (listed != null && listed.isArray()) {
                listed.forEach(key -> useDefault.add(key.asText()));
            }
        }

        boolean has(String key) {
            JsonNode node = json.get(key);
            return node != null && !node.isNull() && !useDefault.contains(key);
        }

        private JsonNode get(String key) {
            return has(key) ? json.get(key) : null;
        }

        String text(String key, String fallback) {
            JsonNode node = get(key);
            if (node == null) {
                return fallback;
            }
            if (!node.isTextual()) {
                return bad(key, node, "a string", fallback);
            }
            return node.asText();
        }

        <T> T named(Function<String, T> parser, String key, String fallback, T stand) {
            String value = text(key, fallback);
            try {
                return parser.apply(value);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
                return stand;
            }
        }

        int integer(String key, int fallback) {
            JsonNode node = get(key);
            if (node == null) {
                return fallback;
            }
            if (!node.isNumber() || node.asDouble() != Math.rint(node.asDouble())
                    || Math.abs(node.asDouble()) > Integer.MAX_VALUE) {
                return bad(key, node, "a whole number", fallback);
            }
            return (int) node.asDouble();
        }

        double number(String key, double fallback) {
            JsonNode node = get(key);
            if (node == null) {
                return fallback;
            }
            if (!node.isNumber()) {
                return bad(key, node, "a number", fallback);
            }
            return node.asDouble();
        }

        boolean bool(String key, boolean fallback) {
            JsonNode node = get(key);
            if (node == null) {
                return fallback;
            }
            if (!node.isBoolean()) {
                return bad(key, node, "true or false", fallback);
            }
            return node.asBoolean();
        }

        float[] floats(String key) {
            JsonNode node = get(key);
            if (node == null) {
                return null;
            }
            if (!node.isArray()) {
                return bad(key, node, "a list of numbers", null);
            }
            float[] values = new float[node.size()];
            for (int i = 0; i < values.length; i++) {
                JsonNode item = node.get(i);
                if (!item.isNumber()) {
                    return bad(key, node, "a list of numbers", null);
                }
                values[i] = (float) item.asDouble();
            }
            return values;
        }

        private <T> T bad(String key, JsonNode node, String expected, T fallback) {
            String shown = node.toString();
            if (shown.length() > 60) {
                shown = shown.substring(0, 57) + "...";
            }
            problems.add(key + " must be " + expected + ", got " + shown);
            return fallback;
        }
    }
}
