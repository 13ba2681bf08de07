package dev.imagine.engine.sampler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * Betas and alpha products. Expected values come from a pure-Python float32 emulation of diffusers'
 * constructors (torch.linspace with fused multiply-add, cumprod accumulated in double), which reproduced
 * PyTorch 1.13's CPU tensors bit for bit (the CRCs cover all 1000 values).
 */
class NoiseScheduleTest {

    static NoiseScheduleConfig config(String schedule, double start, double end) {
        return new NoiseScheduleConfig("DDIMScheduler", 1000, start, end, schedule, null, PredictionType.EPSILON,
                TimestepSpacing.LEADING, 0, true);
    }

    static long crc(float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            bytes.putFloat(v);
        }
        CRC32 crc = new CRC32();
        crc.update(bytes.array());
        return crc.getValue();
    }

    static float[] alphasCumprod(NoiseScheduleConfig config) {
        NoiseSchedule schedule = NoiseSchedule.of(config);
        float[] out = new float[schedule.trainTimesteps()];
        for (int t = 0; t < out.length; t++) {
            out[t] = schedule.alphaCumprod(t);
        }
        return out;
    }

    @Test
    void scaledLinearMatchesStableDiffusion() {
        NoiseScheduleConfig sd = config("scaled_linear", 0.00085, 0.012);
        float[] betas = NoiseSchedule.betas(sd);
        float[] acp = alphasCumprod(sd);

        assertThat(betas[0]).isEqualTo(0.00084999995f);
        assertThat(betas[500]).isEqualTo(0.0048149535f);
        assertThat(betas[999]).isEqualTo(0.011999999f);
        assertThat(acp[0]).isEqualTo(0.99915f);
        assertThat(acp[1]).isEqualTo(0.998296f);
        assertThat(acp[500]).isEqualTo(0.27633247f);
        assertThat(acp[999]).isEqualTo(0.004660095f);
        assertThat(crc(betas)).isEqualTo(0x21af97d5L);
        assertThat(crc(acp)).isEqualTo(0xf89c76d9L);
    }

    @Test
    void linspaceUsesFusedMultiplyAdd() {
        // Element 57 of linspace(sqrt(0.00085), sqrt(0.012)) squared: 0.0011384928 with one rounding of
        // start + step*57 (what PyTorch's AVX2 build computes), 0.0011384931 with two.
        float[] betas = NoiseSchedule.betas(config("scaled_linear", 0.00085, 0.012));
        assertThat(betas[57]).isEqualTo(0.0011384928f);
    }

    @Test
    void linearAndCosineSchedules() {
        NoiseScheduleConfig linear = config("linear", 0.0001, 0.02);
        assertThat(NoiseSchedule.betas(linear)[500]).isEqualTo(0.010059959f);
        assertThat(alphasCumprod(linear)[0]).isEqualTo(0.9999f);
        assertThat(alphasCumprod(linear)[500]).isEqualTo(0.07779665f);
        assertThat(alphasCumprod(linear)[999]).isEqualTo(4.0358304e-05f);
        assertThat(crc(NoiseSchedule.betas(linear))).isEqualTo(0xe2bd60c2L);
        assertThat(crc(alphasCumprod(linear))).isEqualTo(0xcea302c5L);

        NoiseScheduleConfig cosine = config("squaredcos_cap_v2", 0.0001, 0.02);
        assertThat(NoiseSchedule.betas(cosine)[0]).isEqualTo(4.1284224e-05f);
        assertThat(NoiseSchedule.betas(cosine)[999]).isEqualTo(0.999f);
        assertThat(alphasCumprod(cosine)[500]).isEqualTo(0.49228504f);
        assertThat(alphasCumprod(cosine)[999]).isEqualTo(2.428735e-09f);
        assertThat(crc(NoiseSchedule.betas(cosine))).isEqualTo(0xc3ef3accL);
        assertThat(crc(alphasCumprod(cosine))).isEqualTo(0xeb7f089eL);
    }

    @Test
    void trainedBetasReplaceTheSchedule() {
        NoiseScheduleConfig c = new NoiseScheduleConfig("DDIMScheduler", 3, 0.1, 0.2, "linear",
                new float[] {0.1f, 0.2f, 0.5f}, PredictionType.EPSILON, TimestepSpacing.LEADING, 0, true);
        // (1 - 0.1), then * 0.8, then * 0.5, each rounded to float32 from a double running product.
        assertThat(alphasCumprod(c)).containsExactly(0.9f, 0.71999997f, 0.35999998f);
    }

    @Test
    void trainedSigmasSpanTheSchedule() {
        float[] sigmas = NoiseSchedule.of(config("scaled_linear", 0.00085, 0.012)).trainedSigmas();
        assertThat(sigmas[0]).isEqualTo(0.029167533f);
        assertThat(sigmas[999]).isEqualTo(14.614647f);
    }

    @Test
    void negativeTimestepsCountFromTheEndLikeTorchIndexing() {
        NoiseSchedule schedule = NoiseSchedule.of(config("scaled_linear", 0.00085, 0.012));
        assertThat(schedule.alphaCumprod(-1)).isEqualTo(0.004660095f);
        assertThatThrownBy(() -> schedule.alphaCumprod(1000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timestep 1000 is outside the model's 1000 trained timesteps");
    }
}
