package dev.imagine.bot.service;

import dev.imagine.bot.dispatch.ChatTarget;
import dev.imagine.bot.dispatch.Dispatcher;
import dev.imagine.bot.dispatch.JobEvent;
import dev.imagine.bot.dispatch.JobSpec;
import dev.imagine.bot.dispatch.Requester;
import dev.imagine.bot.dispatch.SubmitResult;
import dev.imagine.config.Platform;
import dev.imagine.engine.GenerationRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The child process of {@link ShutdownSignalsTest}: the real service (storage, engine on the tiny demo model,
 * dispatcher) stopped the way {@code imagine run} stops, by a shutdown hook calling {@link ImagineService#close}. Its
 * adapter prints a line as a job reaches each phase ({@code phase encoder|unet|vae|upload ID}), {@code sent ID} when a
 * result reaches the (pretend) chat and {@code marked ID} once its delivery is recorded.
 *
 * <p>Arguments: data folder, model folder, grace seconds, {@code submit} (one job, then run until a signal) or
 * {@code resume ID} (run until job ID was sent, or stop at once when it needs nothing, then stop gracefully).
 */
public final class SignalDriver {
    private SignalDriver() {
    }

    private static void print(String line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }

    /** A chat adapter whose sends are lines on stdout. */
    private static final class PhaseAdapter implements ChatAdapter {
        private final CountDownLatch sent = new CountDownLatch(1);
        private volatile Dispatcher dispatcher;

        @Override
        public String platform() {
            return "telegram";
        }

        @Override
        public void start(ServiceContext context) {
            dispatcher = context.dispatcher();
            dispatcher.registerSink(platform(), (job, event) -> {
                if (event instanceof JobEvent.Started) {
                    print("phase encoder " + job.id());
                } else if (event instanceof JobEvent.Progress progress) {
                    if (progress.step() == 2) {
                        print("phase unet " + job.id());
                    }
                    if (progress.step() == progress.totalSteps()) {
                        print("phase vae " + job.id());
                    }
                } else if (event instanceof JobEvent.Done) {
                    print("phase upload " + job.id());
                    print("sent " + job.id());
                    dispatcher.confirmDelivered(job.id());
                    print("marked " + job.id());
                    sent.countDown();
                } else if (event.isFinal()) {
                    print("ended " + job.id() + " " + event);
                    dispatcher.confirmDelivered(job.id());
                }
            });
        }

        void submit() {
            SubmitResult result = dispatcher.submit(new Requester("telegram", "ada", "Ada"),
                    new ChatTarget("telegram", null, "chat-ada", null), JobSpec.of(GenerationRequest.builder("a fox")
                            .size(128, 128).steps(8).seed(7L).build(), null));
            print(result instanceof SubmitResult.Accepted accepted ? "accepted " + accepted.id() : "refused");
        }

        @Override
        public void stopIntake() {
        }

        @Override
        public void close() {
        }
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Path model = Path.of(args[1]);
        Duration grace = Duration.ofSeconds(Long.parseLong(args[2]));
        boolean submit = args[3].equals("submit");
        PhaseAdapter adapter = new PhaseAdapter();
        ImagineService service = ImagineService.start(RestartDriver.config(data, model),
                Map.of(Platform.TELEGRAM, c -> adapter), Clock.systemUTC());
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close(grace);
            print("stopped");
            closed.countDown();
        }, "imagine-shutdown"));
        if (submit) {
            adapter.submit();
            closed.await();
        } else {
            if (args.length > 4 && service.dispatcher().position(Long.parseLong(args[4])).isPresent()) {
                adapter.sent.await();
            }
            System.exit(0);
        }
    }
}
