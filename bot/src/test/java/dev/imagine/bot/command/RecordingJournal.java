package dev.imagine.bot.command;

import dev.imagine.bot.dispatch.Job;
import dev.imagine.bot.dispatch.JobJournal;
import dev.imagine.bot.dispatch.JobSpec;
import dev.imagine.bot.dispatch.ReplyTarget;
import dev.imagine.bot.dispatch.Requester;
import dev.imagine.engine.GeneratedImage;
import dev.imagine.engine.GenerationRequest;
import dev.imagine.engine.GenerationResult;
import dev.imagine.storage.GenerationKind;
import dev.imagine.storage.GenerationParameters;
import dev.imagine.storage.ModelRef;
import dev.imagine.storage.NewGeneration;
import dev.imagine.storage.NewImage;
import dev.imagine.storage.Storage;
import java.util.ArrayList;
import java.util.List;

/**
 * A test journal that records jobs in a real {@link Storage}, so the job ids the dispatcher hands out are generation
 * ids that history, {@code /seed} and the buttons read back. Users are keyed by the requester's platform and user
 * id, the chat is stored as the generation's channel. It resumes nothing: the contract restarts with an empty queue.
 * The service's own storage journal replaces it once it exists.
 */
final class RecordingJournal implements JobJournal {
    static final ModelRef MODEL = new ModelRef("fake-model", "fake", null);

    private final Storage storage;

    RecordingJournal(Storage storage) {
        this.storage = storage;
    }

    @Override
    public long recordQueued(Requester requester, ReplyTarget target, JobSpec spec) {
        long user = storage.users().ensure(requester.platform(), requester.userId(),
                requester.displayName().isEmpty() ? null : requester.displayName()).id();
        NewGeneration generation = new NewGeneration(user, GenerationKind.valueOf(spec.kind().name()),
                spec.parentId(), MODEL, parameters(spec.request()),
                new dev.imagine.storage.ReplyTarget(target.guildId(), target.chatId(), target.messageId(), null));
        return storage.generations().record(generation, spec.initImageBytes());
    }

    @Override
    public void markRunning(long id, int attempt) {
        storage.generations().markRunning(id);
    }

    @Override
    public void markDone(long id, GenerationResult result) {
        List<NewImage> images = new ArrayList<>();
        for (GeneratedImage image : result.images()) {
            images.add(new NewImage(image.index(), image.seed(), image.png(), false));
        }
        storage.generations().markDone(id, parameters(result.request()), images,
                result.timings().total().toMillis());
    }

    @Override
    public void markFailed(long id, String userMessage) {
        storage.generations().markFailed(id, userMessage);
    }

    @Override
    public void markCancelled(long id, String reason) {
        storage.generations().markCancelled(id);
    }

    @Override
    public void requeue(long id) {
        storage.generations().requeue(id);
    }

    @Override
    public List<Job> unfinished() {
        return List.of();
    }

    private static GenerationParameters parameters(GenerationRequest r) {
        return GenerationParameters.builder(r.prompt()).negativePrompt(r.negativePrompt())
                .sampler(r.sampler() == null ? null : r.sampler().id()).steps(r.steps()).guidance(r.guidance())
                .width(r.width()).height(r.height()).count(r.count()).seed(r.seed())
                .subseed(r.subseed(), r.subseedStrength()).strength(r.strength())
                .upscale(r.upscale(), r.hiresStrength()).build();
    }
}
