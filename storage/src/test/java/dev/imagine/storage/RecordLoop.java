package dev.imagine.storage;

import java.nio.file.Path;
import java.util.List;

/**
 * Child process of {@link CrashTest}: records generations in a loop until it is killed, printing
 * {@code recorded ID} after each record call has returned and {@code done ID} after each markDone call has returned.
 */
public final class RecordLoop {
    private RecordLoop() {
    }

    /** {@code args[0]}: the data directory. */
    public static void main(String[] args) {
        Storage storage = Storage.open(Path.of(args[0]));
        long user = storage.users().ensure("cli", "crash-test", null).id();
        for (long i = 0; ; i++) {
            String prompt = "crash test " + i;
            long id = storage.generations().record(TestData.txt2img(user, prompt), null);
            System.out.println("recorded " + id);
            if (i % 3 == 0) {
                storage.generations().markRunning(id);
                storage.generations().markDone(id, TestData.resolved(prompt, i, 1),
                        List.of(new NewImage(0, i, TestData.png(i), false)), 1);
                System.out.println("done " + id);
            }
            System.out.flush();
        }
    }
}
