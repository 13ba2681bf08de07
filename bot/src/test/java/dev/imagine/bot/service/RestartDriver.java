package dev.imagine.bot.service;

import dev.imagine.config.ImagineConfig;
import dev.imagine.config.Platform;
import dev.imagine.engine.GenerationRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * The child process of {@link ServiceRestartTest}: starts the real service over a data folder and a tiny model with
 * {@link RecordingAdapter} as its Telegram adapter, printing every event on stdout. {@code submit N} submits N jobs and
 * runs until killed; {@code resume ID,ID,...} runs until those jobs have finished, then stops cleanly.
 */
public final class RestartDriver {
    private RestartDriver() {
    }

    static ImagineConfig config(Path data, Path model) {
        String yaml = "engine:\n  model: " + model + "\n  device: cpu\n  threads: 1\n"
                + "storage:\n  dir: " + data + "\n"
                + "operations:\n  enabled: false\n" + "web:\n  enabled: false\n"
                + "limits:\n  max-jobs-per-user: 100\n  rate:\n    burst: 1000\n    refill: 1000\n"
                + "    refill-period: 1m\n";
        return ImagineConfig.parse(yaml, "test", data, Map.of(Platform.TELEGRAM.tokenVariable(), "123:fake"));
    }

    /** Arguments: data folder, model folder, mode ({@code submit} or {@code resume}), a count or a list of ids. */
    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Path model = Path.of(args[1]);
        boolean submit = args[2].equals("submit");
        Set<Long> awaited = ConcurrentHashMap.newKeySet();
        if (!submit && !args[3].isEmpty()) {
            for (String id : args[3].split(",")) {
                awaited.add(Long.parseLong(id));
            }
        }
        int count = submit ? Integer.parseInt(args[3]) : awaited.size();
        CountDownLatch allFinished = new CountDownLatch(1);
        RecordingAdapter adapter = new RecordingAdapter(line -> {
            System.out.println(line);
            System.out.flush();
            String[] parts = line.split(" ");
            if (parts[0].equals("event") && (parts[2].equals("done") || parts[2].equals("failed"))) {
                awaited.remove(Long.parseLong(parts[1]));
                if (!submit && awaited.isEmpty()) {
                    allFinished.countDown();
                }
            }
        });
        ImagineService service = ImagineService.start(config(data, model), Map.of(Platform.TELEGRAM, c -> adapter),
                Clock.systemUTC());
        if (!submit && awaited.isEmpty()) {
            allFinished.countDown();
        }
        if (submit) {
            for (int i = 0; i < count; i++) {
                adapter.submit("user" + (i % 3), GenerationRequest.builder("job " + i).size(128, 128).steps(40)
                        .seed((long) i).build());
            }
            System.out.println("submitted");
            System.out.flush();
            new CountDownLatch(1).await();
        } else {
            allFinished.await();
            service.close(Duration.ofSeconds(30));
            System.out.println("stopped");
            System.out.flush();
        }
    }
}
