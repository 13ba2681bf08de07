package dev.imagine.engine.sampler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NoiseScheduleConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    // scheduler/scheduler_config.json of runwayml/stable-diffusion-v1-5.
    private static final String SD15 = """
            {
              "_class_name": "PNDMScheduler",
              "_diffusers_version": "0.6.0",
              "beta_end": 0.012,
              "beta_schedule": "scaled_linear",
              "beta_start": 0.00085,
              "num_train_timesteps": 1000,
              "set_alpha_to_one": false,
              "skip_prk_steps": true,
              "steps_offset": 1,
              "trained_betas": null,
              "clip_sample": false
            }""";

    // scheduler/scheduler_config.json of stabilityai/stable-diffusion-2-1 (768 px, v-prediction).
    private static final String SD21 = """
            {
              "_class_name": "DDIMScheduler",
              "_diffusers_version": "0.8.0",
              "beta_end": 0.012,
              "beta_schedule": "scaled_linear",
              "beta_start": 0.00085,
              "clip_sample": false,
              "num_train_timesteps": 1000,
              "prediction_type": "v_prediction",
              "set_alpha_to_one": false,
              "skip_prk_steps": true,
              "steps_offset": 1,
              "trained_betas": null
            }""";

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void readsTheStableDiffusion15Config() {
        NoiseScheduleConfig c = NoiseScheduleConfig.parse(json(SD15));

        assertThat(c.className()).isEqualTo("PNDMScheduler");
        assertThat(c.trainTimesteps()).isEqualTo(1000);
        assertThat(c.betaStart()).isEqualTo(0.00085);
        assertThat(c.betaEnd()).isEqualTo(0.012);
        assertThat(c.betaSchedule()).isEqualTo("scaled_linear");
        assertThat(c.trainedBetas()).isNull();
        assertThat(c.predictionType()).isEqualTo(PredictionType.EPSILON);
        // No timestep_spacing in the file: PNDMScheduler's own default.
        assertThat(c.spacing()).isEqualTo(TimestepSpacing.LEADING);
        assertThat(c.stepsOffset()).isEqualTo(1);
        assertThat(c.setAlphaToOne()).isFalse();
        assertThat(c.clipSample()).isFalse();
        assertThat(c.defaultedKeys()).contains("timestep_spacing", "prediction_type")
                .doesNotContain("steps_offset", "set_alpha_to_one", "clip_sample");
        assertThat(c.unsupportedOptions()).isEmpty();
        assertThat(NoiseScheduleConfig.stableDiffusionV1()).isEqualTo(c);
    }

    @Test
    void readsTheStableDiffusion21Config() {
        NoiseScheduleConfig c = NoiseScheduleConfig.parse(json(SD21));

        assertThat(c.className()).isEqualTo("DDIMScheduler");
        assertThat(c.predictionType()).isEqualTo(PredictionType.V_PREDICTION);
        assertThat(c.spacing()).isEqualTo(TimestepSpacing.LEADING);
        assertThat(c.setAlphaToOne()).isFalse();
    }

    @Test
    void anExplicitSpacingIsKeptForEverySampler() {
        NoiseScheduleConfig c = NoiseScheduleConfig.parse(json("""
                {"_class_name": "PNDMScheduler", "beta_schedule": "scaled_linear", "beta_start": 0.00085,
                 "beta_end": 0.012, "steps_offset": 1, "timestep_spacing": "trailing"}"""));

        assertThat(c.spacing()).isEqualTo(TimestepSpacing.TRAILING);
        assertThat(c.defaultedKeys()).doesNotContain("timestep_spacing");
        // Trailing 4 steps: 999, 749, 499, 249 (see TimestepScheduleTest).
        assertThat(Samplers.euler(c, 4, 1.0).timestep(1)).isEqualTo(749f);
        assertThat(Samplers.ddim(c, 4, 1.0).timestep(1)).isEqualTo(749f);
    }

    @Test
    void aMissingSpacingTakesTheDefaultOfTheFilesClass() {
        String euler = """
                {"_class_name": "EulerDiscreteScheduler", "beta_schedule": "scaled_linear"}""";
        String lcm = """
                {"_class_name": "LCMScheduler", "beta_schedule": "scaled_linear"}""";
        String unnamed = """
                {"beta_schedule": "scaled_linear"}""";

        assertThat(NoiseScheduleConfig.parse(json(euler)).spacing()).isEqualTo(TimestepSpacing.LINSPACE);
        assertThat(NoiseScheduleConfig.parse(json(lcm)).spacing()).isEqualTo(TimestepSpacing.LEADING);
        assertThat(NoiseScheduleConfig.parse(json(unnamed)).spacing()).isEqualTo(TimestepSpacing.LINSPACE);
        assertThat(NoiseScheduleConfig.parse(json(unnamed)).className()).isEmpty();
    }

    @Test
    void eachSamplerFillsMissingKeysWithItsOwnDefaults() {
        // diffusers >= 0.18 (test_default_arguments_not_in_config): EulerDiscreteScheduler.from_config of the SD 1.5
        // PNDM config spaces with linspace, while DDIM and PNDM keep leading + steps_offset 1.
        NoiseScheduleConfig sd15 = NoiseScheduleConfig.stableDiffusionV1();

        assertThat(Samplers.euler(sd15, 20, 1.0).timestep(0)).isEqualTo(999f);
        assertThat(Samplers.euler(sd15, 20, 1.0).timestep(1)).isEqualTo(946.4211f);
        assertThat(Samplers.eulerAncestral(sd15, 20, 1.0).timestep(1)).isEqualTo(946.4211f);
        assertThat(Samplers.ddim(sd15, 20, 1.0).timestep(0)).isEqualTo(951f);
        assertThat(Samplers.pndm(sd15, 20, 1.0).timestep(0)).isEqualTo(951f);
    }

    @Test
    void setAlphaToOneDefaultsPerClass() {
        // PNDMScheduler defaults set_alpha_to_one to False, DDIMScheduler to True.
        assertThat(NoiseScheduleConfig.parse(json("{\"_class_name\": \"PNDMScheduler\"}")).setAlphaToOne()).isFalse();
        assertThat(NoiseScheduleConfig.parse(json("{\"_class_name\": \"DDIMScheduler\"}")).setAlphaToOne()).isTrue();
        assertThat(NoiseScheduleConfig.parse(json("{\"_class_name\": \"DDIMScheduler\"}")).clipSample()).isTrue();
    }

    @Test
    void keysListedAsDefaultedCountAsMissing() {
        NoiseScheduleConfig c = NoiseScheduleConfig.parse(json("""
                {"_class_name": "PNDMScheduler", "timestep_spacing": "leading",
                 "_use_default_values": ["timestep_spacing"]}"""));

        assertThat(c.defaultedKeys()).contains("timestep_spacing");
        assertThat(Samplers.euler(c, 20, 1.0).timestep(0)).isEqualTo(999f);
    }

    @Test
    void diffusersDefaultsFillAnEmptyConfig() {
        NoiseScheduleConfig c = NoiseScheduleConfig.parse(json("{}"));

        assertThat(c.trainTimesteps()).isEqualTo(1000);
        assertThat(c.betaStart()).isEqualTo(0.0001);
        assertThat(c.betaEnd()).isEqualTo(0.02);
        assertThat(c.betaSchedule()).isEqualTo("linear");
        assertThat(c.stepsOffset()).isZero();
        assertThat(c.predictionType()).isEqualTo(PredictionType.EPSILON);
    }

    @Test
    void trainedBetasAreCopiedIn() {
        NoiseScheduleConfig c = NoiseScheduleConfig.parse(json("""
                {"num_train_timesteps": 3, "trained_betas": [0.1, 0.2, 0.5], "beta_schedule": "whatever"}"""));

        float[] betas = c.trainedBetas();
        assertThat(betas).containsExactly(0.1f, 0.2f, 0.5f);
        betas[0] = 0.9f;
        assertThat(c.trainedBetas()[0]).isEqualTo(0.1f);
    }

    @Test
    void rejectsAnUnknownBetaSchedule() {
        assertThatThrownBy(() -> NoiseScheduleConfig.parse(json("{\"beta_schedule\": \"sigmoid\"}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("beta_schedule")
                .hasMessageContaining("sigmoid")
                .hasMessageContaining("scaled_linear");
    }

    @Test
    void rejectsSamplePredictionAndUnknownPredictionTypes() {
        assertThatThrownBy(() -> NoiseScheduleConfig.parse(json("{\"prediction_type\": \"sample\"}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prediction_type 'sample' is not supported");
        assertThatThrownBy(() -> NoiseScheduleConfig.parse(json("{\"prediction_type\": \"flow\"}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prediction_type 'flow'")
                .hasMessageContaining("epsilon, v_prediction");
    }

    @Test
    void rejectsAnUnknownSpacing() {
        assertThatThrownBy(() -> NoiseScheduleConfig.parse(json("{\"timestep_spacing\": \"karras\"}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timestep_spacing 'karras'");
    }

    @Test
    void reportsEveryBadKeyAtOnce() {
        assertThatThrownBy(() -> NoiseScheduleConfig.parse(json(
                "{\"beta_start\": \"tiny\", \"prediction_type\": \"noise\", \"steps_offset\": -2}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("scheduler config: ")
                .hasMessageContaining("beta_start must be a number, got \"tiny\"")
                .hasMessageContaining("'noise'")
                .hasMessageContaining("steps_offset must not be negative, got -2");
    }

    @Test
    void rejectsValuesOfTheWrongType() {
        assertThatThrownBy(() -> NoiseScheduleConfig.parse(json("{\"num_train_timesteps\": \"many\"}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("scheduler config: num_train_timesteps must be a whole number, got \"many\"");
        assertThatThrownBy(() -> NoiseScheduleConfig.parse(json("{\"steps_offset\": 1.5}")))
                .hasMessageContaining("steps_offset must be a whole number");
        assertThatThrownBy(() -> NoiseScheduleConfig.parse(json("{\"set_alpha_to_one\": \"no\"}")))
                .hasMessageContaining("set_alpha_to_one must be true or false");
        assertThatThrownBy(() -> NoiseScheduleConfig.parse(json("[1, 2]")))
                .hasMessageContaining("must be a JSON object");
    }

    @Test
    void rejectsOutOfRangeValues() {
        assertThatThrownBy(() -> NoiseScheduleConfig.parse(json("{\"num_train_timesteps\": 0}")))
                .hasMessageContaining("num_train_timesteps must be at least 1");
        assertThatThrownBy(() -> NoiseScheduleConfig.parse(json("{\"steps_offset\": -1}")))
                .hasMessageContaining("steps_offset must not be negative");
        assertThatThrownBy(() -> NoiseScheduleConfig.parse(json(
                "{\"num_train_timesteps\": 2, \"trained_betas\": [0.1, 0.2, 0.3]}")))
                .hasMessageContaining("trained_betas has 3 values but num_train_timesteps is 2");
        assertThatThrownBy(() -> NoiseScheduleConfig.parse(json("{\"beta_end\": 1.5}")))
                .hasMessageContaining("beta_end must be in [0, 1)");
    }

    @Test
    void onlySamplersThatReadAnUnsupportedOptionRefuseIt() {
        NoiseScheduleConfig karras = NoiseScheduleConfig.parse(json("""
                {"_class_name": "DPMSolverMultistepScheduler", "beta_schedule": "scaled_linear",
                 "use_karras_sigmas": true}"""));

        assertThat(karras.unsupportedOptions()).containsEntry("use_karras_sigmas", "true");
        assertThatThrownBy(() -> Samplers.euler(karras, 20, 1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("use_karras_sigmas=true")
                .hasMessageContaining("euler sampler");
        // DDIMScheduler, PNDMScheduler and EulerAncestralDiscreteScheduler have no use_karras_sigmas.
        assertThat(Samplers.ddim(karras, 20, 1.0).calls()).isEqualTo(20);
        assertThat(Samplers.pndm(karras, 20, 1.0).calls()).isEqualTo(21);
        assertThat(Samplers.eulerAncestral(karras, 20, 1.0).calls()).isEqualTo(20);

        NoiseScheduleConfig zeroSnr = NoiseScheduleConfig.parse(json("{\"rescale_betas_zero_snr\": true}"));
        assertThatThrownBy(() -> Samplers.ddim(zeroSnr, 20, 1.0)).hasMessageContaining("rescale_betas_zero_snr");
        assertThat(Samplers.pndm(zeroSnr, 20, 1.0).calls()).isEqualTo(21);
    }

    @Test
    void readsTheLcmAndDpmSolverKeys() {
        NoiseScheduleConfig c = NoiseScheduleConfig.parse(json("""
                {"_class_name": "LCMScheduler", "original_inference_steps": 100, "timestep_scaling": 12.5,
                 "lambda_min_clipped": -5.1}"""));
        assertThat(c.originalInferenceSteps()).isEqualTo(100);
        assertThat(c.timestepScaling()).isEqualTo(12.5);
        assertThat(c.lambdaMinClipped()).isEqualTo(-5.1);
        assertThat(c.defaultedKeys()).doesNotContain("original_inference_steps", "timestep_scaling",
                "lambda_min_clipped");

        // LCMScheduler's and DPMSolverMultistepScheduler's defaults.
        NoiseScheduleConfig sd15 = NoiseScheduleConfig.stableDiffusionV1();
        assertThat(sd15.originalInferenceSteps()).isEqualTo(50);
        assertThat(sd15.timestepScaling()).isEqualTo(10.0);
        assertThat(sd15.lambdaMinClipped()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(sd15.defaultedKeys()).contains("original_inference_steps", "timestep_scaling",
                "lambda_min_clipped");
    }

    @Test
    void readsMinusInfinityWhereTheParserAllowsIt() {
        // diffusers writes lambda_min_clipped -inf as the non-standard JSON token -Infinity.
        ObjectMapper lenient = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
        NoiseScheduleConfig c;
        try {
            c = NoiseScheduleConfig.parse(lenient.readTree("""
                    {"_class_name": "DPMSolverMultistepScheduler", "lambda_min_clipped": -Infinity}"""));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(c.lambdaMinClipped()).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void rejectsBadLcmAndDpmSolverValues() {
        assertThatThrownBy(() -> NoiseScheduleConfig.parse(json("{\"original_inference_steps\": 0}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("scheduler config: original_inference_steps must be at least 1, got 0");
        assertThatThrownBy(() -> NoiseScheduleConfig.parse(json("{\"timestep_scaling\": -1}")))
                .hasMessage("scheduler config: timestep_scaling must be a positive number, got -1.0");
        assertThatThrownBy(() -> NoiseScheduleConfig.parse(json("{\"lambda_min_clipped\": \"low\"}")))
                .hasMessageContaining("lambda_min_clipped must be a number");
    }

    @Test
    void karrasAndOtherNewOptionsAreReported() {
        assertThat(NoiseScheduleConfig.stableDiffusionV1().usesKarrasSigmas()).isFalse();
        NoiseScheduleConfig c = NoiseScheduleConfig.parse(json("""
                {"_class_name": "DPMSolverMultistepScheduler", "use_karras_sigmas": true, "use_lu_lambdas": true,
                 "use_flow_sigmas": true, "variance_type": "learned_range"}"""));
        assertThat(c.usesKarrasSigmas()).isTrue();
        assertThat(c.unsupportedOptions()).containsEntry("use_lu_lambdas", "true")
                .containsEntry("use_flow_sigmas", "true").containsEntry("variance_type", "learned_range");
        // variance_type null is the default.
        assertThat(NoiseScheduleConfig.parse(json("{\"variance_type\": null}")).unsupportedOptions()).isEmpty();
    }

    @Test
    void theFourteenValueConstructorKeepsWorking() {
        NoiseScheduleConfig c = new NoiseScheduleConfig("DDIMScheduler", 1000, 0.00085, 0.012, "scaled_linear",
                null, PredictionType.EPSILON, TimestepSpacing.LEADING, 1, false, true, 2.0,
                Set.of("prediction_type"), Map.of());
        assertThat(c.clipSampleRange()).isEqualTo(2.0);
        assertThat(c.originalInferenceSteps()).isEqualTo(50);
        assertThat(c.timestepScaling()).isEqualTo(10.0);
        assertThat(c.lambdaMinClipped()).isEqualTo(Double.NEGATIVE_INFINITY);
    }
}
