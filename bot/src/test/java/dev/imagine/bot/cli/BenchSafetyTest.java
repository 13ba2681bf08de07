package dev.imagine.bot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.fake.SafetyModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code imagine bench} reports the safety checker's time per run and its median, with the checker's precision. */
class BenchSafetyTest {
    private static final Pattern RUN = Pattern.compile("safety checker ([\\d.]+) ms;");
    private static final Pattern MEDIAN = Pattern.compile("safety checker: fp32, median ([\\d.]+) ms per job");

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int bench(Path model, String... more) {
        String[] base = {"bench", "--model", model.toString(), "--size", "64", "--steps", "1", "--warmup", "0",
            "--device", "cpu"};
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(more))
                .toArray(String[]::new);
        return ImagineCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void eachRunAndTheMedianShowTheCheckersTime() throws IOException {
        Path model = SafetyModel.write(dir.resolve("checked"));
        assertThat(bench(model, "--runs", "3")).as(err.toString()).isZero();

        java.util.List<Double> runs = new java.util.ArrayList<>();
        Matcher run = RUN.matcher(out.toString());
        while (run.find()) {
            runs.add(Double.parseDouble(run.group(1)));
        }
        assertThat(runs).hasSize(3).allSatisfy(ms -> assertThat(ms).isPositive());
        Matcher median = MEDIAN.matcher(out.toString());
        assertThat(median.find()).as(out.toString()).isTrue();
        // The median of the three runs' checker times, as printed (one decimal).
        runs.sort(null);
        assertThat(median.group(1)).isEqualTo(String.format("%.1f", runs.get(1)));
    }

    @Test
    void withTheCheckerOffBenchSaysNone() throws IOException {
        Path model = SafetyModel.write(dir.resolve("checked"));
        assertThat(bench(model, "--runs", "1", "--safety-checker", "off")).as(err.toString()).isZero();

        assertThat(out.toString()).contains("safety checker 0.0 ms;").contains("safety checker: none");
    }
}
