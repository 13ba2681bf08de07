package dev.imagine.engine.testmodel;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Measures CPU session settings on the full-size SD 1.5 UNet ({@code imagine demo-model DIR --architecture sd15}):
 * load time and seconds per UNet call (batch 2, as with guidance) for each setting, the variants alternating round
 * by round; prints medians, asserts nothing. Run with {@code mvn -pl engine verify -Dimagine.excludedGroups=
 * -Dgroups=slow -Dtest=Sd15SessionSettingsBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * -Dimagine.sd15=DIR [-Dimagine.sd15.size=256] [-Dimagine.sd15.rounds=3]}.
 */
@Tag("slow")
class Sd15SessionSettingsBenchmark {

    private record Variant(String name, SessionTweak tweak) {
    }

    private interface SessionTweak {
        void apply(OrtSession.SessionOptions options) throws OrtException;
    }

    @Test
    void sessionSettingsOnTheFullSizeUnet() throws Exception {
        Path dir = Path.of(System.getProperty("imagine.sd15", "/work/sd15-bench/fp32"));
        Path model = dir.resolve("unet/model.onnx");
        if (!Files.exists(model)) {
            throw new IllegalStateException("write the folder first: imagine demo-model " + dir + " --architecture sd15");
        }
        int size = Integer.getInteger("imagine.sd15.size", 256);
        int rounds = Integer.getInteger("imagine.sd15.rounds", 3);
        int latent = size / 8;
        List<Variant> variants = List.of(
                new Variant("ALL_OPT, ORT threads (engine today)", o -> o.setOptimizationLevel(
                        OrtSession.SessionOptions.OptLevel.ALL_OPT)),
                new Variant("+ denormals as zero", o -> {
                    o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                    o.addConfigEntry("session.set_denormal_as_zero", "1");
                }),
                new Variant("EXTENDED_OPT", o -> o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.EXTENDED_OPT)),
                new Variant("BASIC_OPT", o -> o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.BASIC_OPT)),
                new Variant("ALL_OPT, CPU arena off", o -> {
                    o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                    o.setCPUArenaAllocator(false);
                }),
                new Variant("ALL_OPT, 1 intra-op thread", o -> {
                    o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                    o.setIntraOpNumThreads(1);
                }));
        List<List<Double>> loads = new ArrayList<>();
        List<List<Double>> steps = new ArrayList<>();
        for (int i = 0; i < variants.size(); i++) {
            loads.add(new ArrayList<>());
            steps.add(new ArrayList<>());
        }
        Random random = new Random(5);
        float[] sample = Ort.gaussian(random, 2 * 4 * latent * latent, 1.0);
        float[] states = Ort.gaussian(random, 2 * 77 * 768, 1.0);
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < variants.size(); i++) {
                long start = System.nanoTime();
                try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                    options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
                    variants.get(i).tweak().apply(options);
                    try (OrtSession session = Ort.ENV.createSession(model.toString(), options);
                            OnnxTensor x = Ort.floats(sample, false, 2, 4, latent, latent);
                            OnnxTensor t = Ort.floats(new float[] {801, 801}, false, 2);
                            OnnxTensor c = Ort.floats(states, false, 2, 77, 768)) {
                        loads.get(i).add((System.nanoTime() - start) / 1e9);
                        Map<String, OnnxTensor> inputs = Map.of("sample", x, "timestep", t,
                                "encoder_hidden_states", c);
                        session.run(inputs).close();
                        long stepStart = System.nanoTime();
                        session.run(inputs).close();
                        steps.get(i).add((System.nanoTime() - stepStart) / 1e9);
                    }
                }
                System.out.printf(Locale.ROOT, "round %d %-40s load %.1f s, UNet call %.2f s, load average %s%n", round,
                        variants.get(i).name(), loads.get(i).get(round), steps.get(i).get(round), loadAverage());
            }
        }
        for (int i = 0; i < variants.size(); i++) {
            System.out.printf(Locale.ROOT, "median %-40s load %.1f s, UNet call (batch 2, %dx%d) %.2f s%n",
                    variants.get(i).name(), median(loads.get(i)), size, size, median(steps.get(i)));
        }
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String loadAverage() throws java.io.IOException {
        return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    }
}
