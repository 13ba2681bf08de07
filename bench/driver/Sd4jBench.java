import com.oracle.labs.mlrg.sd4j.SD4J;
import com.oracle.labs.mlrg.sd4j.Schedulers;
import java.util.Arrays;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Args: DIR SIZE STEPS WARMUP RUNS. Times SD4J.generateImage (text to BufferedImage), prints per-run and median. */
public class Sd4jBench {
    public static void main(String[] args) {
        Logger.getLogger("").setLevel(Level.WARNING);
        Arrays.stream(Logger.getLogger("").getHandlers()).forEach(h -> h.setLevel(Level.WARNING));
        String dir = args[0];
        int size = Integer.parseInt(args[1]);
        int steps = Integer.parseInt(args[2]);
        int warmup = Integer.parseInt(args[3]);
        int runs = Integer.parseInt(args[4]);
        long loadStart = System.nanoTime();
        try (SD4J sd = SD4J.factory(dir, false)) {
            System.out.printf("sd4j load %.0f ms%n", (System.nanoTime() - loadStart) / 1e6);
            var request = new SD4J.Request("a lighthouse on a cliff at sunset, oil painting", "", steps, 7.5f, 42,
                    new SD4J.ImageSize(size), Schedulers.EULER_ANCESTRAL, 1);
            for (int i = 0; i < warmup; i++) {
                sd.generateImage(request);
            }
            long[] times = new long[runs];
            for (int i = 0; i < runs; i++) {
                long start = System.nanoTime();
                sd.generateImage(request);
                times[i] = System.nanoTime() - start;
                System.out.printf("sd4j run %d %.1f ms%n", i + 1, times[i] / 1e6);
            }
            Arrays.sort(times);
            System.out.printf("sd4j median %.1f ms%n", times[runs / 2] / 1e6);
        }
    }
}
