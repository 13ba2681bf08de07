import com.oracle.labs.mlrg.sd4j.SD4J;
import com.oracle.labs.mlrg.sd4j.Schedulers;
import dev.imagine.engine.CudaOptions;
import dev.imagine.engine.EngineOptions;
import dev.imagine.engine.ExecutionDevice;
import dev.imagine.engine.GenerationRequest;
import dev.imagine.engine.GenerationResult;
import dev.imagine.engine.ImageEngine;
import dev.imagine.engine.SamplerKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * imagine and Oracle's sd4j in one JVM on the same model folder, timed in alternating pairs (A B, then B A, ...), so
 * both see the same JVM options, warm-up and the same moments of a shared machine's load. Each timed run is one
 * text-to-image job (prompt to decoded picture), Euler ancestral, guidance 7.5, seed 42, batch 1; imagine's PNG,
 * which it encodes on its own thread after the job, is waited for outside the timed span (sd4j encodes none).
 * Args: MODEL_DIR SIZE STEPS WARMUP PAIRS. Run by bench/sd4j-compare.sh (see there for building sd4j).
 */
public class PairedBench {
    public static void main(String[] args) throws Exception {
        Logger.getLogger("").setLevel(Level.WARNING);
        for (var handler : Logger.getLogger("").getHandlers()) {
            handler.setLevel(Level.WARNING);
        }
        Path dir = Path.of(args[0]);
        int size = Integer.parseInt(args[1]);
        int steps = Integer.parseInt(args[2]);
        int warmup = Integer.parseInt(args[3]);
        int pairs = Integer.parseInt(args[4]);
        String prompt = "a lighthouse on a cliff at sunset, oil painting";
        EngineOptions options = new EngineOptions(ExecutionDevice.cpu(), 0, 0, CudaOptions.defaults());
        long t0 = System.nanoTime();
        try (ImageEngine ours = ImageEngine.open(dir, options)) {
            long t1 = System.nanoTime();
            try (SD4J sd4j = SD4J.factory(dir.toString(), false)) {
                long t2 = System.nanoTime();
                System.out.printf("load: imagine %.0f ms, sd4j %.0f ms; %s%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6, load());
                GenerationRequest request = GenerationRequest.builder(prompt).seed(42L).steps(steps)
                        .sampler(SamplerKind.EULER_ANCESTRAL).guidance(7.5).size(size, size).build();
                SD4J.Request theirs = new SD4J.Request(prompt, "", steps, 7.5f, 42, new SD4J.ImageSize(size),
                        Schedulers.EULER_ANCESTRAL, 1);
                for (int i = 0; i < warmup; i++) {
                    runOurs(ours, request);
                    runTheirs(sd4j, theirs);
                }
                List<Double> a = new ArrayList<>();
                List<Double> b = new ArrayList<>();
                List<Double> ratio = new ArrayList<>();
                List<Double> overhead = new ArrayList<>();
                List<Double> cpuA = new ArrayList<>();
                List<Double> cpuB = new ArrayList<>();
                for (int pair = 0; pair < pairs; pair++) {
                    double[] o;
                    double[] t;
                    if (pair % 2 == 0) {
                        o = runOurs(ours, request);
                        t = runTheirs(sd4j, theirs);
                    } else {
                        t = runTheirs(sd4j, theirs);
                        o = runOurs(ours, request);
                    }
                    a.add(o[0]);
                    b.add(t[0]);
                    ratio.add(t[0] / o[0]);
                    overhead.add(o[1]);
                    cpuA.add(o[2]);
                    cpuB.add(t[1]);
                    System.out.printf("pair %d: imagine %.1f ms (outside ONNX Runtime %.1f%%, CPU %.0f ms), sd4j %.1f "
                            + "ms (CPU %.0f ms), sd4j/imagine %.2f; %s%n", pair + 1, o[0], o[1], o[2], t[0], t[1],
                            t[0] / o[0], load());
                }
                System.out.printf("median of %d pairs: imagine %.1f ms, sd4j %.1f ms, sd4j/imagine %.2f "
                        + "(median of per-pair ratios %.2f), imagine outside ONNX Runtime %.1f%%; process CPU per job: "
                        + "imagine %.0f ms, sd4j %.0f ms; %s%n", pairs, median(a), median(b), median(b) / median(a),
                        median(ratio), median(overhead), median(cpuA), median(cpuB), load());
            }
        }
    }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    /**
     * Wall ms of one job, its share outside ONNX Runtime (%) and the process's CPU ms over it (all threads, ONNX
     * Runtime's too); waits for the PNG afterwards, untimed.
     */
    private static double[] runOurs(ImageEngine engine, GenerationRequest request) {
        long cpu = OS.getProcessCpuTime();
        long start = System.nanoTime();
        GenerationResult result = engine.generate(request);
        long nanos = System.nanoTime() - start;
        cpu = OS.getProcessCpuTime() - cpu;
        result.images().get(0).png();
        return new double[] {nanos / 1e6, 100 * result.timings().overheadFraction(), cpu / 1e6};
    }

    /** Wall ms and process CPU ms of one job. */
    private static double[] runTheirs(SD4J sd4j, SD4J.Request request) {
        long cpu = OS.getProcessCpuTime();
        long start = System.nanoTime();
        sd4j.generateImage(request);
        return new double[] {(System.nanoTime() - start) / 1e6, (OS.getProcessCpuTime() - cpu) / 1e6};
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String load() throws Exception {
        String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return "load average " + parts[0] + " " + parts[1] + " " + parts[2];
    }
}
