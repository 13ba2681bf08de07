package dev.imagine.engine.testmodel;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link TinyModelWriter} writes: the export variant (input types, precision, fixed batch, weight
 * files, VAE encoder form), the size of the made-up networks, the sampler and tokenizer files, and the
 * weight seed. The same spec always writes byte-identical files.
 *
 * <p>Start from {@link #tiny()} or {@link #demo()} and change fields with {@link #toBuilder()}.
 *
 * @param hiddenSize text-encoder width: 768 for SD 1.x, 1024 for SD 2.x; 1 to 4096
 * @param idsType element type of the text encoder's {@code input_ids}
 * @param timestep element type and shape of the UNet's {@code timestep}
 * @param precision element type of the float model inputs and outputs
 * @param externalWeights where the UNet's weights are stored
 * @param unetBatchFixedToOne whether the UNet's batch dimension is the fixed size 1 instead of symbolic
 * @param textEncoderBatchFixedToOne whether the text encoder's batch dimension is fixed to 1
 * @param vaeEncoder whether and how {@code vae_encoder/} is written
 * @param unetChannels hidden channels of the UNet's convolutions; 1 to 512
 * @param unetLayers hidden 3x3 convolutions between the UNet's input and output convolutions; 0 to 16
 * @param separableBlur whether the UNet's denoiser blurs with a horizontal then a vertical 1-D kernel (cheap)
 *     instead of one 2-D kernel (the demo's; the results differ in the last bits)
 * @param smoothDecoder whether the VAE decoder upsamples bilinearly and adds colour texture (the demo's
 *     look) instead of flat 8x8 blocks
 * @param schedulerClass {@code _class_name} of {@code scheduler/scheduler_config.json}
 * @param predictionType {@code prediction_type}, e.g. {@code epsilon} or {@code v_prediction}
 * @param timestepSpacing {@code timestep_spacing}, or {@code null} to leave the key out
 * @param stepsOffset {@code steps_offset}; 0 or more
 * @param schedulerOverrides keys added to or replacing those of the scheduler config (values: strings,
 *     numbers, booleans, lists or {@code null}, written as JSON)
 * @param vocabularySource a folder whose {@code vocab.json} and {@code merges.txt} are copied, or
 *     {@code null} to write a small synthetic CLIP-format vocabulary
 * @param padToken the tokenizer's pad token
 * @param scalingFactor {@code scaling_factor} for {@code vae_decoder/config.json}, or {@code null} to
 *     write no such file (readers then assume 0.18215)
 * @param pipelineClass {@code _class_name} of {@code model_index.json}, or {@code null} for the layout's
 *     usual one ({@code OnnxStableDiffusionPipeline}, or {@code ORTStableDiffusionXLPipeline} with
 *     {@code sdxlLayout})
 * @param sdxlLayout whether to write an SDXL folder as optimum exports it: {@code text_encoder/} and
 *     {@code text_encoder_2/} with {@code hidden_states.*} outputs (2 and 3 layers, so the penultimate state differs
 *     from the last), {@code tokenizer_2/} padding with {@code !}, and a UNet that also takes {@code text_embeds} and
 *     {@code time_ids} and whose output depends on both
 * @param secondHiddenSize the width of {@code text_encoder_2} and of its {@code text_embeds} in the SDXL layout (the
 *     UNet's {@code encoder_hidden_states} are {@code hiddenSize + secondHiddenSize} wide); 1 to 4096
 * @param forceZerosForEmptyPrompt {@code force_zeros_for_empty_prompt} written to {@code model_index.json}, or
 *     {@code null} to leave the key out
 * @param timestepCondDim width of an extra UNet input {@code timestep_cond} (LCM's guidance embedding), or 0
 *     for none
 * @param safetyThreshold with a value, {@code safety_checker/} and {@code feature_extractor/} are written: a
 *     checker that flags a picture when the mean of its normalised CLIP input is above this value (0 is about CLIP's
 *     mean grey); {@code null} writes no checker
 * @param unetSequenceFixed whether the UNet's {@code encoder_hidden_states} has the fixed length 77 instead of a
 *     symbolic sequence axis (such exports take one 75-token chunk)
 * @param seed seed of the made-up weights
 */
public record TinyModelSpec(
        int hiddenSize,
        IdsType idsType,
        Timestep timestep,
        Precision precision,
        ExternalWeights externalWeights,
        boolean unetBatchFixedToOne,
        boolean textEncoderBatchFixedToOne,
        VaeEncoder vaeEncoder,
        int unetChannels,
        int unetLayers,
        boolean separableBlur,
        boolean smoothDecoder,
        String schedulerClass,
        String predictionType,
        String timestepSpacing,
        int stepsOffset,
        Map<String, Object> schedulerOverrides,
        Path vocabularySource,
        PadToken padToken,
        Double scalingFactor,
        String pipelineClass,
        boolean sdxlLayout,
        int secondHiddenSize,
        Boolean forceZerosForEmptyPrompt,
        int timestepCondDim,
        Double safetyThreshold,
        boolean unetSequenceFixed,
        long seed) {

    /** Element type of the text encoder's {@code input_ids}. */
    public enum IdsType {
        /** int32, as diffusers' ONNX export writes. */
        INT32,
        /** int64, as optimum writes. */
        INT64
    }

    /** Element type and shape of the UNet's {@code timestep} input. */
    public enum Timestep {
        /** float32 of shape {@code [1]}. */
        FLOAT32_1,
        /** float32 of shape {@code [batch]} (diffusers' export). */
        FLOAT32_BATCH,
        /** int64 of shape {@code [batch]} (optimum's export). */
        INT64_BATCH,
        /** float32 scalar, shape {@code []}. */
        FLOAT32_SCALAR,
        /** float16 of shape {@code [1]}. */
        FLOAT16_1
    }

    /** Element type of the float inputs and outputs of all models; weights and maths stay float32. */
    public enum Precision {
        /** float32. */
        FP32,
        /** float16 at the model boundary. */
        FP16
    }

    /** Where the UNet's larger initializers are stored. */
    public enum ExternalWeights {
        /** Inside {@code unet/model.onnx}. */
        NONE,
        /** In {@code unet/weights.pb}, as diffusers' export does. */
        WEIGHTS_PB,
        /** In {@code unet/model.onnx_data}, as optimum and torch do. */
        ONNX_DATA
    }

    /** Whether and how the VAE encoder is written. */
    public enum VaeEncoder {
        /** No {@code vae_encoder/} folder. */
        NONE,
        /** Output {@code latent_sample} with 4 channels. */
        LATENT_SAMPLE,
        /** Output {@code latent_parameters} with 8 channels: the mean, then the log-variance. */
        LATENT_PARAMETERS
    }

    /** The tokenizer's pad token. */
    public enum PadToken {
        /** {@code <|endoftext|>}, as SD 1.x pads. */
        END_OF_TEXT("<|endoftext|>"),
        /** {@code !}, as SD 2.x pads. */
        EXCLAMATION("!");

        private final String text;

        PadToken(String text) {
            this.text = text;
        }

        /** The token as written in the tokenizer files. */
        public String text() {
            return text;
        }
    }

    /** Validates the fields and copies the overrides. */
    public TinyModelSpec {
        requireRange("hiddenSize", hiddenSize, 1, 4096);
        Objects.requireNonNull(idsType, "idsType");
        Objects.requireNonNull(timestep, "timestep");
        Objects.requireNonNull(precision, "precision");
        Objects.requireNonNull(externalWeights, "externalWeights");
        Objects.requireNonNull(vaeEncoder, "vaeEncoder");
        requireRange("unetChannels", unetChannels, 1, 512);
        requireRange("unetLayers", unetLayers, 0, 16);
        requireText("schedulerClass", schedulerClass);
        requireText("predictionType", predictionType);
        if (timestepSpacing != null) {
            requireText("timestepSpacing", timestepSpacing);
        }
        if (stepsOffset < 0) {
            throw new IllegalArgumentException("stepsOffset must be 0 or more, got " + stepsOffset);
        }
        Objects.requireNonNull(schedulerOverrides, "schedulerOverrides");
        schedulerOverrides = Collections.unmodifiableMap(new LinkedHashMap<>(schedulerOverrides));
        Objects.requireNonNull(padToken, "padToken");
        if (scalingFactor != null && !(scalingFactor > 0 && Double.isFinite(scalingFactor))) {
            throw new IllegalArgumentException("scalingFactor must be a positive number, got " + scalingFactor);
        }
        if (pipelineClass != null) {
            requireText("pipelineClass", pipelineClass);
        }
        requireRange("timestepCondDim", timestepCondDim, 0, 4096);
        requireRange("secondHiddenSize", secondHiddenSize, 1, 4096);
        if (safetyThreshold != null && !Double.isFinite(safetyThreshold)) {
            throw new IllegalArgumentException("safetyThreshold must be a finite number, got " + safetyThreshold);
        }
    }

    /**
     * A spec for fast tests: width 32, 8 UNet channels, int32 ids, float32 {@code [batch]} timestep,
     * fp32, weights inside the model, VAE encoder with {@code latent_sample}, synthetic vocabulary,
     * SD 1.x sampler config ({@code PNDMScheduler}).
     */
    public static TinyModelSpec tiny() {
        return new Builder().build();
    }

    /**
     * The demo model: SD 1.x shapes (width 768), a UNet of 64 channels whose step at batch 2 and 64x64
     * latents takes about 15 ms on 2 CPU cores, a smooth colourful VAE decoder, a VAE encoder for
     * image-to-image, and a synthetic vocabulary (no OpenAI files). About 6 MB on disk.
     */
    public static TinyModelSpec demo() {
        return new Builder()
                .hiddenSize(768)
                .unetChannels(64)
                .unetLayers(3)
                .smoothDecoder(true)
                .seed(20240611L)
                .build();
    }

    /**
     * A tiny SDXL base folder as current optimum writes it: encoders 32 and 48 wide, int64 ids, a float32 scalar
     * timestep, {@code EulerDiscreteScheduler} with {@code leading} spacing and {@code steps_offset} 1, VAE scale
     * 0.13025, {@code force_zeros_for_empty_prompt} true and a VAE encoder returning {@code latent_parameters}.
     */
    public static TinyModelSpec sdxl() {
        return new Builder()
                .sdxlLayout(true)
                .secondHiddenSize(48)
                .idsType(IdsType.INT64)
                .timestep(Timestep.FLOAT32_SCALAR)
                .schedulerClass("EulerDiscreteScheduler")
                .timestepSpacing("leading")
                .stepsOffset(1)
                .schedulerOverride("interpolation_type", "linear")
                .schedulerOverride("use_karras_sigmas", false)
                .scalingFactor(0.13025)
                .forceZerosForEmptyPrompt(true)
                .vaeEncoder(VaeEncoder.LATENT_PARAMETERS)
                .seed(2023L)
                .build();
    }

    /**
     * The SDXL demo model: the {@link #sdxl()} layout with encoders 64 and 96 wide, the demo's UNet (64 channels,
     * 3 layers) and its smooth colourful decoder.
     */
    public static TinyModelSpec demoSdxl() {
        return sdxl().toBuilder()
                .hiddenSize(64)
                .secondHiddenSize(96)
                .unetChannels(64)
                .unetLayers(3)
                .smoothDecoder(true)
                .seed(20240611L)
                .build();
    }

    /** The {@link #demoSdxl()} model with SDXL-Turbo's sampler (Euler ancestral, trailing timesteps). */
    public static TinyModelSpec demoSdxlTurbo() {
        return demoSdxl().toBuilder()
                .schedulerClass("EulerAncestralDiscreteScheduler")
                .timestepSpacing("trailing")
                .build();
    }

    /** The {@link #sdxl()} folder with SDXL-Turbo's sampler: {@code EulerAncestralDiscreteScheduler}, trailing. */
    public static TinyModelSpec sdxlTurbo() {
        return sdxl().toBuilder()
                .schedulerClass("EulerAncestralDiscreteScheduler")
                .timestepSpacing("trailing")
                .seed(2024L)
                .build();
    }

    /**
     * The demo model with a nearly free UNet (4 channels, no hidden layers), for measuring the pipeline's own
     * cost: SD 1.x shapes (width 768), so the text encoder and VAE are the demo's, but a UNet call at batch 2
     * and 64x64 latents costs well under a millisecond, so the time outside ONNX Runtime shows.
     */
    public static TinyModelSpec cheapUnet() {
        return demo().toBuilder()
                .unetChannels(4)
                .unetLayers(0)
                .separableBlur(true)
                .build();
    }

    /** A new builder holding the {@link #tiny()} values. */
    public static Builder builder() {
        return new Builder();
    }

    /** A new builder holding this spec's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    private static void requireRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + value);
        }
    }

    private static void requireText(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
    }

    /** Mutable builder of a {@link TinyModelSpec}; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private int hiddenSize = 32;
        private IdsType idsType = IdsType.INT32;
        private Timestep timestep = Timestep.FLOAT32_BATCH;
        private Precision precision = Precision.FP32;
        private ExternalWeights externalWeights = ExternalWeights.NONE;
        private boolean unetBatchFixedToOne;
        private boolean textEncoderBatchFixedToOne;
        private VaeEncoder vaeEncoder = VaeEncoder.LATENT_SAMPLE;
        private int unetChannels = 8;
        private int unetLayers = 1;
        private boolean separableBlur;
        private boolean smoothDecoder;
        private String schedulerClass = "PNDMScheduler";
        private String predictionType = "epsilon";
        private String timestepSpacing;
        private int stepsOffset = 1;
        private Map<String, Object> schedulerOverrides = new LinkedHashMap<>();
        private Path vocabularySource;
        private PadToken padToken = PadToken.END_OF_TEXT;
        private Double scalingFactor;
        private String pipelineClass;
        private boolean sdxlLayout;
        private int secondHiddenSize = 48;
        private Boolean forceZerosForEmptyPrompt;
        private int timestepCondDim;
        private Double safetyThreshold;
        private boolean unetSequenceFixed;
        private long seed = 1L;

        private Builder() {
        }

        private Builder(TinyModelSpec spec) {
            hiddenSize = spec.hiddenSize;
            idsType = spec.idsType;
            timestep = spec.timestep;
            precision = spec.precision;
            externalWeights = spec.externalWeights;
            unetBatchFixedToOne = spec.unetBatchFixedToOne;
            textEncoderBatchFixedToOne = spec.textEncoderBatchFixedToOne;
            vaeEncoder = spec.vaeEncoder;
            unetChannels = spec.unetChannels;
            unetLayers = spec.unetLayers;
            separableBlur = spec.separableBlur;
            smoothDecoder = spec.smoothDecoder;
            schedulerClass = spec.schedulerClass;
            predictionType = spec.predictionType;
            timestepSpacing = spec.timestepSpacing;
            stepsOffset = spec.stepsOffset;
            schedulerOverrides = new LinkedHashMap<>(spec.schedulerOverrides);
            vocabularySource = spec.vocabularySource;
            padToken = spec.padToken;
            scalingFactor = spec.scalingFactor;
            pipelineClass = spec.pipelineClass;
            sdxlLayout = spec.sdxlLayout;
            secondHiddenSize = spec.secondHiddenSize;
            forceZerosForEmptyPrompt = spec.forceZerosForEmptyPrompt;
            timestepCondDim = spec.timestepCondDim;
            safetyThreshold = spec.safetyThreshold;
            unetSequenceFixed = spec.unetSequenceFixed;
            seed = spec.seed;
        }

        /** Sets {@link TinyModelSpec#hiddenSize()}. */
        public Builder hiddenSize(int value) {
            hiddenSize = value;
            return this;
        }

        /** Sets {@link TinyModelSpec#idsType()}. */
        public Builder idsType(IdsType value) {
            idsType = value;
            return this;
        }

        /** Sets {@link TinyModelSpec#timestep()}. */
        public Builder timestep(Timestep value) {
            timestep = value;
            return this;
        }

        /** Sets {@link TinyModelSpec#precision()}. */
        public Builder precision(Precision value) {
            precision = value;
            return this;
        }

        /** Sets {@link TinyModelSpec#externalWeights()}. */
        public Builder externalWeights(ExternalWeights value) {
            externalWeights = value;
            return this;
        }

        /** Sets {@link TinyModelSpec#unetBatchFixedToOne()}. */
        public Builder unetBatchFixedToOne(boolean value) {
            unetBatchFixedToOne = value;
            return this;
        }

        /** Sets {@link TinyModelSpec#textEncoderBatchFixedToOne()}. */
        public Builder textEncoderBatchFixedToOne(boolean value) {
            textEncoderBatchFixedToOne = value;
            return this;
        }

        /** Sets {@link TinyModelSpec#vaeEncoder()}. */
        public Builder vaeEncoder(VaeEncoder value) {
            vaeEncoder = value;
            return this;
        }

        /** Sets {@link TinyModelSpec#unetChannels()}. */
        public Builder unetChannels(int value) {
            unetChannels = value;
            return this;
        }

        /** Sets {@link TinyModelSpec#unetLayers()}. */
        public Builder unetLayers(int value) {
            unetLayers = value;
            return this;
        }

        /** Sets {@link TinyModelSpec#separableBlur()}. */
        public Builder separableBlur(boolean value) {
            separableBlur = value;
            return this;
        }

        /** Sets {@link TinyModelSpec#smoothDecoder()}. */
        public Builder smoothDecoder(boolean value) {
            smoothDecoder = value;
            return this;
        }

        /** Sets {@link TinyModelSpec#schedulerClass()}. */
        public Builder schedulerClass(String value) {
            schedulerClass = value;
            return this;
        }

        /** Sets {@link TinyModelSpec#predictionType()}. */
        public Builder predictionType(String value) {
            predictionType = value;
            return this;
        }

        /** Sets {@link TinyModelSpec#timestepSpacing()}; {@code null} leaves the key out. */
        public Builder timestepSpacing(String value) {
            timestepSpacing = value;
            return this;
        }

        /** Sets {@link TinyModelSpec#stepsOffset()}. */
        public Builder stepsOffset(int value) {
            stepsOffset = value;
            return this;
        }

        /** Adds or replaces one scheduler config key; a {@code null} value is written as JSON null. */
        public Builder schedulerOverride(String key, Object value) {
            schedulerOverrides.put(Objects.requireNonNull(key, "key"), value);
            return this;
        }

        /** Sets {@link TinyModelSpec#vocabularySource()}; {@code null} writes the synthetic vocabulary. */
        public Builder vocabularySource(Path value) {
            vocabularySource = value;
            return this;
        }

        /** Sets {@link TinyModelSpec#padToken()}. */
        public Builder padToken(PadToken value) {
            padToken = value;
            return this;
        }

        /** Sets {@link TinyModelSpec#scalingFactor()}; {@code null} writes no VAE config. */
        public Builder scalingFactor(Double value) {
            scalingFactor = value;
            return this;
        }

        /** Sets {@link TinyModelSpec#pipelineClass()}; {@code null} picks the layout's usual one. */
        public Builder pipelineClass(String value) {
            pipelineClass = value;
            return this;
        }

        /** Sets {@link TinyModelSpec#sdxlLayout()}. */
        public Builder sdxlLayout(boolean value) {
            sdxlLayout = value;
            return this;
        }

        /** Sets {@link TinyModelSpec#secondHiddenSize()}. */
        public Builder secondHiddenSize(int value) {
            secondHiddenSize = value;
            return this;
        }

        /** Sets {@link TinyModelSpec#forceZerosForEmptyPrompt()}; {@code null} leaves the key out. */
        public Builder forceZerosForEmptyPrompt(Boolean value) {
            forceZerosForEmptyPrompt = value;
            return this;
        }

        /** Sets {@link TinyModelSpec#timestepCondDim()}. */
        public Builder timestepCondDim(int value) {
            timestepCondDim = value;
            return this;
        }

        /** Sets {@link TinyModelSpec#safetyThreshold()}. */
        public Builder safetyThreshold(Double value) {
            safetyThreshold = value;
            return this;
        }

        /** Sets {@link TinyModelSpec#unetSequenceFixed()}. */
        public Builder unetSequenceFixed(boolean value) {
            unetSequenceFixed = value;
            return this;
        }

        /** Sets {@link TinyModelSpec#seed()}. */
        public Builder seed(long value) {
            seed = value;
            return this;
        }

        /**
         * Builds the spec.
         *
         * @throws IllegalArgumentException naming the field when a value is out of range
         */
        public TinyModelSpec build() {
            return new TinyModelSpec(hiddenSize, idsType, timestep, precision, externalWeights,
                    unetBatchFixedToOne, textEncoderBatchFixedToOne, vaeEncoder, unetChannels, unetLayers,
                    separableBlur, smoothDecoder, schedulerClass, predictionType, timestepSpacing, stepsOffset,
                    schedulerOverrides, vocabularySource, padToken, scalingFactor, pipelineClass, sdxlLayout,
                    secondHiddenSize, forceZerosForEmptyPrompt, timestepCondDim, safetyThreshold,
                    unetSequenceFixed, seed);
        }
    }
}
