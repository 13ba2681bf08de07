package dev.imagine.bot.command;

import dev.imagine.bot.dispatch.JobEvent;
import dev.imagine.bot.dispatch.JobNotices;
import dev.imagine.bot.dispatch.SubmitResult;
import dev.imagine.bot.stored.StoredJobs;
import dev.imagine.config.RateLimit;
import dev.imagine.engine.AnimationRequest;
import dev.imagine.engine.Ease;
import dev.imagine.engine.GeneratedImage;
import dev.imagine.engine.GenerationRequest;
import dev.imagine.engine.GenerationResult;
import dev.imagine.engine.Keyframe;
import dev.imagine.engine.PromptUsage;
import dev.imagine.engine.RequestValues;
import dev.imagine.engine.SamplerKind;
import dev.imagine.storage.Generation;
import dev.imagine.storage.GenerationKind;
import dev.imagine.storage.GenerationStatus;
import dev.imagine.storage.StoredImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Every text users see, as plain text: adapters may add their platform's markup. The status texts and the result
 * caption are for the adapters' {@link dev.imagine.bot.dispatch.JobSink}s; the command answers come inside
 * {@link Reply}s. Stateless and thread-safe.
 */
public final class Messages {
    /** Telegram's limit on a photo caption, in characters. */
    public static final int TELEGRAM_CAPTION_LIMIT = 1024;
    /** Discord's limit on a message, in characters. */
    public static final int DISCORD_MESSAGE_LIMIT = 2000;
    /** The smallest {@code maxLength} a caption accepts: the parameters line always fits in it. */
    public static final int MIN_CAPTION_LENGTH = 256;

    static final int HISTORY_PROMPT_CHARS = 60;
    static final String NOT_MY_BUTTON = "This button is not mine or no longer valid.";
    private static final String DOT = " \u00b7 ";
    private static final int NOTE_CHARS = 300;
    private static final int MIN_PART = 24;

    private Messages() {
    }

    /** Added to the queued message when, in a cluster, no worker runs right now. */
    public static final String NO_WORKER = "No worker is running right now, so it waits in the queue until one "
            + "starts; nothing is lost.";

    /**
     * A job waits: {@code position} jobs run before it (0: it is next), {@code queueLength} wait in all (the
     * dispatcher's {@code queueLength()}).
     */

    public static String queued(int position, int queueLength) {
        return "Queued: " + ahead(position, queueLength) + ".";
    }

    private static String ahead(int position, int queueLength) {
        return position <= 0 ? "yours is next"
                : Texts.plural(position, "job") + " ahead of yours (" + queueLength + " waiting)";
    }

    /** A prompt with a blocked word: says so without naming the word or the list. */
    public static final String BLOCKED_PROMPT = "This prompt uses a word this server does not allow, so it was not "
            + "queued. Please rephrase it.";
    /** The line added to the caption of a picture sent behind a spoiler. */
    public static final String SPOILER_NOTE = "Hidden as a spoiler: the safety checker flagged this picture.";

    /**
     * Said instead of a picture the safety policy withholds; the result's buttons go with it.
     *
     * @param index the picture's position, from 0
     * @param count how many pictures the generation has
     */
    public static String withheld(long generationId, int index, int count) {
        return (count == 1 ? "The picture of #" + generationId : "Picture " + (index + 1) + " of #" + generationId)
                + " was withheld: the safety checker flagged it. Re-roll makes a new one.";
    }

    /** Said instead of a flagged picture's original file where it cannot be sent or hidden. */
    public static String withheldFile(long generationId, int index) {
        return "The original file of #" + generationId + ", picture " + (index + 1) + ", is not sent here: the safety "
                + "checker flagged it.";
    }

    /** The engine took the job. */
    public static String started() {
        return "Generating\u2026";
    }

    /** A step finished: {@code Generating: 40% (step 8 of 20)}. */
    public static String progress(int step, int totalSteps) {
        int percent = totalSteps <= 0 ? 100 : (int) (100L * step / totalSteps);
        return "Generating: " + percent + "% (step " + step + " of " + totalSteps + ")";
    }

    /**
     * A step of an animation finished: {@code Animating: 40% (frame 7 of 16, step 3 of 4)}, or {@code frames 5-8}
     * when frames run in a batch.
     */
    public static String frameProgress(JobEvent.Progress progress) {
        JobEvent.Frames frames = progress.frames();
        String which = frames.first() == frames.last() ? "frame " + frames.first()
                : "frames " + frames.first() + "-" + frames.last();
        return "Animating: " + progress.percent() + "% (" + which + " of " + frames.total() + ", step "
                + progress.step() + " of " + progress.totalSteps() + ")";
    }

    /**
     * The caption of a finished animation: the keyframes ({@code a red fox (seed 1) -> a blue whale (seed 2)}), then
     * one line of numbers (frames, fps, ease, loop, sampler, steps, CFG, size, time taken, generation id). To fit
     * {@code maxLength} the keyframes' prompts are cut with an ellipsis; the numbers never are.
     *
     * @param maxLength at least {@value #MIN_CAPTION_LENGTH}
     */
    public static String animationCaption(long generationId, JobEvent.Animation animation, int maxLength) {
        if (maxLength < MIN_CAPTION_LENGTH) {
            throw new IllegalArgumentException("a caption needs at least " + MIN_CAPTION_LENGTH + " characters, got "
                    + maxLength);
        }
        AnimationRequest request = animation.result().request();
        GenerationRequest settings = request.settings();
        List<String> parts = new ArrayList<>();
        parts.add(Texts.plural(animation.result().frames().size(), "frame") + " at " + request.fps() + " fps");
        if (request.ease() != Ease.LINEAR) {
            parts.add(request.ease().id());
        }
        if (request.loop()) {
            parts.add("loop");
        }
        settingsParts(settings, parts);
        parts.add(Texts.duration(animation.result().elapsed()));
        parts.add("#" + generationId);
        String numbers = String.join(DOT, parts);
        List<Keyframe> keyframes = request.keyframes();
        int promptBudget = Math.max(MIN_PART, (maxLength - numbers.length() - 1) / keyframes.size() - 24);
        List<String> shown = new ArrayList<>();
        for (Keyframe keyframe : keyframes) {
            shown.add(Texts.cut(keyframe.prompt(), promptBudget) + " (seed " + keyframe.seed() + ")");
        }
        String travel = Texts.cut(String.join(" -> ", shown), maxLength - numbers.length() - 1);
        return travel + "\n" + numbers;
    }

    /** An animation with more frames than the user's rate limit allows now or at all; each frame is one image. */
    public static String animationRateLimited(SubmitResult.Rejected rejected) {
        RateLimit rate = rejected.rate().orElseThrow();
        return rejected.overBurst()
                ? "This animation has " + rejected.count() + " frames, and each frame counts as one image: at most "
                        + rate.burst() + " fit in your limit at once; use fewer frames."
                : "You have used your images for now (each frame of an animation counts as one; " + rate.refill()
                        + " per " + roughly(rate.refillPeriod()) + "); try again in " + roughly(rejected.retryAfter())
                        + ".";
    }

    /** An animation whose video is over the platform's file limit even at its smallest encoding. */
    public static String animationTooLarge(long generationId, String why) {
        return "#" + generationId + " is done, but its video cannot be sent here. " + Texts.sentence(why);
    }

    /** The job failed; {@code message} is the dispatcher's sentence for the user. */
    public static String failed(String message) {
        return "Failed. " + Texts.sentence(message);
    }

    /** The job was cancelled; {@code reason} is the dispatcher's sentence (who cancelled, or the time limit). */
    public static String cancelled(String reason) {
        return "Cancelled. " + Texts.sentence(reason);
    }

    /**
     * The status text for any event: queued, started, progress, failed, cancelled; {@code Done.} for a finished
     * job, whose pictures go out with {@link #caption}.
     *
     * @param queueLength jobs waiting in all, for the queued text
     */
    public static String status(JobEvent event, int queueLength) {
        if (event instanceof JobEvent.Queued queued) {
            return queued(queued.position(), queueLength) + (queued.waitingForWorker() ? " " + NO_WORKER : "");
        }
        if (event instanceof JobEvent.Started) {
            return started();
        }
        if (event instanceof JobEvent.Progress progress) {
            return progress.frames() != null ? frameProgress(progress) : progress(progress.step(),
                    progress.totalSteps());
        }
        if (event instanceof JobEvent.Failed failed) {
            return failed(failed.message());
        }
        if (event instanceof JobEvent.Cancelled cancelled) {
            return cancelled(cancelled.reason());
        }
        return "Done.";
    }

    /**
     * The caption of a finished generation's pictures: the prompt, the negative prompt, then one line of numbers
     * (seeds, sampler, steps, CFG, size, img2img strength, variation, upscale, time taken, generation id), then the
     * words CLIP's 75-token limit cut, if any. To fit {@code maxLength} the prompt is cut with an ellipsis (and the
     * negative prompt and the note first); the numbers never are.
     *
     * @param maxLength at least {@value #MIN_CAPTION_LENGTH}; {@value #TELEGRAM_CAPTION_LIMIT} for Telegram,
     *     {@value #DISCORD_MESSAGE_LIMIT} for Discord
     */
    public static String caption(long generationId, GenerationResult result, int maxLength) {
        if (maxLength < MIN_CAPTION_LENGTH) {
            throw new IllegalArgumentException("a caption needs at least " + MIN_CAPTION_LENGTH + " characters, got "
                    + maxLength);
        }
        GenerationRequest request = result.request();
        String numbers = numbers(generationId, result);
        int budget = maxLength - numbers.length() - 1;
        String prompt = Texts.cut(request.prompt(), budget);
        budget -= prompt.length();
        StringBuilder caption = new StringBuilder(prompt);
        if (!request.negativePrompt().isEmpty() && budget > MIN_PART) {
            String negative = Texts.cut("Negative: " + request.negativePrompt(), budget - 1);
            caption.append('\n').append(negative);
            budget -= negative.length() + 1;
        }
        caption.append('\n').append(numbers);
        Optional<String> note = truncation(result);
        if (note.isPresent() && budget > MIN_PART) {
            caption.append('\n').append(Texts.cut(note.get(), budget - 1));
        }
        return caption.toString();
    }

    /** Sampler, steps, CFG and output size, where set, for a caption's line of numbers. */
    private static void settingsParts(GenerationRequest r, List<String> parts) {
        if (r.sampler() != null) {
            parts.add(r.sampler().displayName());
        }
        if (r.steps() != null) {
            parts.add(Texts.plural(r.steps(), "step"));
        }
        if (r.guidance() != null) {
            parts.add("CFG " + Texts.number(r.guidance()));
        }
        if (r.width() != null && r.height() != null) {
            parts.add(r.outputWidth() + "x" + r.outputHeight());
        }
    }

    private static String numbers(long generationId, GenerationResult result) {
        GenerationRequest r = result.request();
        List<String> parts = new ArrayList<>();
        List<GeneratedImage> images = result.images();
        if (images.size() > 1) {
            parts.add("Seeds " + images.get(0).seed() + "-" + images.get(images.size() - 1).seed());
        } else if (!images.isEmpty()) {
            parts.add("Seed " + images.get(0).seed());
        } else if (r.seed() != null) {
            parts.add("Seed " + r.seed());
        }
        settingsParts(r, parts);
        if (r.isImageToImage() && r.strength() != null) {
            parts.add("strength " + Texts.number(r.strength()));
        }
        if (r.hasVariation() && r.subseed() != null) {
            parts.add("variation seed " + r.subseed() + " at " + Texts.number(r.subseedStrength()));
        }
        if (r.upscale() != null) {
            parts.add("upscaled " + Texts.number(r.upscale()) + "x");
        }
        parts.add(Texts.duration(result.timings().total()));
        parts.add("#" + generationId);
        return String.join(DOT, parts);
    }

    /**
     * How much of the prompt was read when it took more than one 75-token chunk ("Prompt: 2 chunks, 104 tokens"),
     * and the words that were not used (past CLIP's 75 tokens, the server's chunk limit or a UNet that takes one
     * chunk) from the prompt and negative prompt; empty when there is nothing to say. At most a few hundred characters.
     */
    public static Optional<String> truncation(GenerationResult result) {
        List<String> lines = new ArrayList<>();
        PromptUsage usage = result.promptUsage();
        if (usage != null && usage.chunks() > 1) {
            lines.add("Prompt: " + usage.describe() + ".");
        }
        if (!result.truncatedPrompt().isBlank()) {
            String limit = usage != null && !usage.cutBecause().isEmpty() ? usage.cutBecause()
                    : "the 75-token limit";
            lines.add("Past " + limit + ", so not used: " + Texts.cut(result.truncatedPrompt().strip(), NOTE_CHARS));
        }
        if (!result.truncatedNegativePrompt().isBlank()) {
            lines.add("Not used from the negative prompt: "
                    + Texts.cut(result.truncatedNegativePrompt().strip(), NOTE_CHARS));
        }
        return lines.isEmpty() ? Optional.empty() : Optional.of(String.join("\n", lines));
    }

    /** The answer to an accepted job. */
    /**
     * The sentences for jobs the dispatcher ends itself; pass this to the {@link dev.imagine.bot.dispatch.Dispatcher}.
     */
    public static final JobNotices JOB_NOTICES = new JobNotices() {
        @Override
        public String interruptedTwice() {
            return "This job was interrupted twice by a restart, so it was not tried again; please submit it again.";
        }

        @Override
        public String failedUnexpectedly() {
            return "Something went wrong on our side and the picture was not made; please try again.";
        }

        @Override
        public String overTimeLimit(Duration limit) {
            return "It took longer than the " + roughly(limit) + " limit per job, so it was stopped.";
        }

        @Override
        public String restarting() {
            return "The bot is restarting; this job will run again after it.";
        }
    };

    /** Why a submission was refused, and when trying again helps. */
    public static String rejected(SubmitResult.Rejected rejected) {
        switch (rejected.reason()) {
            case TOO_MANY_ACTIVE:
                return "You already have " + Texts.plural(rejected.count(), "job") + " queued or running (the limit is "
                        + rejected.limit() + "); wait for one to finish or cancel one.";
            case QUEUE_FULL:
                return "The queue is full (" + rejected.limit() + " jobs); try again in a few minutes.";
            case RATE_LIMITED:
                RateLimit rate = rejected.rate().orElseThrow();
                return rejected.overBurst()
                        ? "You asked for " + rejected.count() + " images, but at most " + rate.burst()
                                + " fit in your limit at once; ask for fewer."
                        : "You have used your images for now (" + rate.refill() + " per " + roughly(rate.refillPeriod())
                                + "); try again in " + roughly(rejected.retryAfter()) + ".";
            case NOT_RECORDED:
                return "The job could not be saved, so it was not queued; try again in a minute.";
            case BLOCKED:
                return "You cannot make pictures here: the bot's operator has blocked you.";
            case SHUTTING_DOWN:
            default:
                return "The bot is restarting and takes no new jobs right now; try again in a minute.";
        }
    }

    /** A finished picture whose stored file cannot be read back after a restart. */
    public static String storedResultDamaged() {
        return "The picture was made, but its stored file is damaged; please run it again.";
    }

    /** A failure stored without its sentence. */
    public static String jobFailed() {
        return "The job failed.";
    }

    /** A cancellation redelivered after a restart (the reason is not stored). */
    public static String jobCancelled() {
        return "The job was cancelled.";
    }

    /**
     * A job whose workers all stopped before finishing it (a cluster's {@code limits.max-attempts} reached), so it
     * is not tried again.
     */
    public static String workersLost(int attempts) {
        return "This job was started " + Texts.plural(attempts, "time") + " on workers that stopped before finishing "
                + "it, so it was not tried again; please submit it again.";
    }

    /** A job that cannot be rebuilt from its stored row after a restart; {@code why} is the storage's sentence. */
    public static String notResumable(String why) {
        return "This job could not be resumed after a restart (" + why + "); please submit it again.";
    }

    /** A duration rounded up to whole seconds, minutes or hours: {@code 1 second}, {@code 10 minutes}. */
    static String roughly(Duration duration) {
        long seconds = Math.max(1, (duration.toMillis() + 999) / 1000);
        if (seconds < 60) {
            return Texts.plural(seconds, "second");
        }
        long minutes = (seconds + 59) / 60;
        if (minutes < 60) {
            return Texts.plural(minutes, "minute");
        }
        return Texts.plural((minutes + 59) / 60, "hour");
    }

    static String accepted(long generationId, int position, int queueLength) {
        return "Queued as #" + generationId + ": " + ahead(position, queueLength) + ".";
    }

    /** {@link #accepted(long, int, int)}, saying so when no worker runs right now. */
    static String accepted(long generationId, int position, int queueLength, boolean waitingForWorker) {
        return accepted(generationId, position, queueLength) + (waitingForWorker ? " " + NO_WORKER : "");
    }

    /**
     * A user's recent generations, newest first: id, seed or status, how many pictures the safety checker flagged
     * (when any), prompt cut to about 60 characters.
     */
    static String history(List<Generation> generations) {
        if (generations.isEmpty()) {
            return "You have no pictures yet. Try /imagine a red fox in the snow.";
        }
        StringBuilder text = new StringBuilder("Your last " + (generations.size() == 1 ? "picture"
                : generations.size() + " pictures") + ", newest first:");
        for (Generation g : generations) {
            long flagged = g.images().stream().filter(StoredImage::nsfw).count();
            text.append("\n#").append(g.id()).append(DOT).append(seedOrStatus(g)).append(DOT)
                    .append(flagged == 0 ? "" : "flagged " + flagged + " of " + g.images().size() + DOT)
                    .append(Texts.cut(Texts.normalizeSpace(travel(g)), HISTORY_PROMPT_CHARS));
        }
        return text.toString();
    }

    /** The prompt; for an animation, its keyframes' prompts joined by {@code ->}. */
    private static String travel(Generation g) {
        StringBuilder text = new StringBuilder(Objects.toString(g.parameters().get("prompt"), ""));
        for (int k = 1; g.kind() == GenerationKind.ANIMATION && g.parameters().get("to" + k) != null; k++) {
            text.append(" -> ").append(g.parameters().get("to" + k));
        }
        return text.toString();
    }

    private static String seedOrStatus(Generation g) {
        if (g.status() != GenerationStatus.DONE) {
            return g.status().id();
        }
        if (g.kind() == GenerationKind.ANIMATION) {
            return "animation of " + Texts.plural(Math.max(0, g.images().size() - 1), "frame");
        }
        List<StoredImage> images = g.images();
        if (images.size() > 1) {
            return "seeds " + images.get(0).seed() + "-" + images.get(images.size() - 1).seed();
        }
        if (images.size() == 1) {
            return "seed " + images.get(0).seed();
        }
        return g.parameters().get("seed") == null ? "done" : "seed " + g.parameters().get("seed");
    }

    /**
     * Every parameter of a generation: a header (id, status, images and their seeds), then the prompt, the negative
     * prompt and the settings in AUTOMATIC1111's {@code parameters} style. Prompts are cut so the whole fits
     * Discord's 2000 characters; the picture's PNG holds them in full.
     */
    static String parameters(Generation g) {
        RequestValues p = StoredJobs.defaults(g.parameters());
        String negative = Objects.toString(p.get("negativePrompt", String.class), "");
        String prompt0 = Objects.toString(p.get("prompt", String.class), "");
        StringBuilder header = new StringBuilder("Generation #" + g.id() + ": " + g.status().id());
        if (g.status() == GenerationStatus.DONE && !g.images().isEmpty()) {
            header.append(", ").append(Texts.plural(g.images().size(), "image")).append(" (")
                    .append(g.images().stream().map(i -> Long.toString(i.seed())).collect(Collectors.joining(", ")))
                    .append(")");
        }
        if (g.status() == GenerationStatus.FAILED && g.error() != null) {
            header.append(": ").append(Texts.cut(g.error(), 200));
        }
        if (g.parentId() != null) {
            header.append(", from #").append(g.parentId());
        }
        List<String> fields = new ArrayList<>();
        if (p.get("steps", Integer.class) != null) {
            fields.add("Steps: " + p.get("steps", Integer.class));
        }
        if (p.get("sampler", SamplerKind.class) != null) {
            fields.add("Sampler: " + p.get("sampler", SamplerKind.class).displayName());
        }
        if (p.get("guidance", Double.class) != null) {
            fields.add("CFG scale: " + Texts.number(p.get("guidance", Double.class)));
        }
        fields.add("Seed: " + (p.get("seed", Long.class) == null ? "random" : p.get("seed", Long.class)));
        if (p.get("width", Integer.class) != null && p.get("height", Integer.class) != null) {
            fields.add("Size: " + p.get("width", Integer.class) + "x" + p.get("height", Integer.class));
        }
        if (p.get("count", Integer.class) != null && p.get("count", Integer.class) > 1) {
            fields.add("Batch size: " + p.get("count", Integer.class));
        }
        if (p.get("subseedStrength", Double.class) != null && p.get("subseedStrength", Double.class) > 0) {
            fields.add("Variation seed: " + (p.get("subseed", Long.class) == null ? "random" : p.get("subseed", Long.class)));
            fields.add("Variation seed strength: " + Texts.number(p.get("subseedStrength", Double.class)));
        }
        // SDXL micro-conditioning, in the order and words of the PNG parameters
        if (p.get("originalWidth", Integer.class) != null) {
            fields.add("Original size: " + p.get("originalWidth", Integer.class) + "x"
                    + p.get("originalHeight", Integer.class));
        }
        if (p.get("cropX", Integer.class) != null) {
            fields.add("Crop left: " + p.get("cropX", Integer.class) + ", Crop top: " + p.get("cropY", Integer.class));
        }
        fields.add("Model: " + g.model().name());
        if (g.model().fingerprint() != null) {
            fields.add("Model fingerprint: " + g.model().fingerprint());
        }
        if (p.get("strength", Double.class) != null) {
            fields.add("Denoising strength: " + Texts.number(p.get("strength", Double.class)));
        }
        if (p.get("upscale", Double.class) != null) {
            fields.add("Hires upscale: " + Texts.number(p.get("upscale", Double.class)));
            if (p.get("hiresStrength", Double.class) != null) {
                fields.add("Hires denoising strength: " + Texts.number(p.get("hiresStrength", Double.class)));
            }
        }
        String settings = String.join(", ", fields);
        int budget = DISCORD_MESSAGE_LIMIT - header.length() - settings.length() - 3;
        String negativeLabel = "Negative prompt: ";
        String prompt = Texts.cut(prompt0, negative.isEmpty() ? budget
                : Math.max(budget / 2, budget - negativeLabel.length() - negative.length() - 1));
        StringBuilder text = new StringBuilder(header).append('\n').append(prompt);
        if (!negative.isEmpty()) {
            int left = budget - prompt.length() - 1;
            text.append('\n').append(Texts.cut(negativeLabel + negative, left));
        }
        return text.append('\n').append(settings).toString();
    }

    /**
     * A user's jobs and the queue's length.
     *
     * @param jobs the user's jobs as {id, jobs ahead of it}, running first
     */
    static String queue(List<long[]> jobs, int queueLength) {
        String total = queueLength == 0 ? "Nothing is waiting." : Texts.plural(queueLength, "job") + " waiting in all.";
        if (jobs.isEmpty()) {
            return "You have nothing queued or running. " + total;
        }
        StringBuilder text = new StringBuilder("Your jobs:");
        for (long[] job : jobs) {
            text.append("\n#").append(job[0]).append(": ")
                    .append(job[1] <= 0 ? "nothing ahead of it" : Texts.plural(job[1], "job") + " ahead of it");
        }
        return text.append('\n').append(total).toString();
    }

    /** Stored defaults: a user's and the chat's. */
    static String settings(RequestValues user, RequestValues chat) {
        return "Your settings: " + describe(user) + "\nThis chat's defaults: " + describe(chat)
                + "\nChange yours with /settings sampler euler-a steps 30 size 768x512 negative \"text, watermark\"; "
                + "clear one with /settings steps default, all with /settings reset.";
    }

    private static String describe(RequestValues d) {
        if (d.isEmpty()) {
            return "none (the model's defaults).";
        }
        List<String> parts = new ArrayList<>();
        SamplerKind sampler = d.get("sampler", SamplerKind.class);
        if (sampler != null) {
            parts.add("sampler " + sampler.id());
        }
        Integer steps = d.get("steps", Integer.class);
        if (steps != null) {
            parts.add(Texts.plural(steps, "step"));
        }
        Integer width = d.get("width", Integer.class);
        Integer height = d.get("height", Integer.class);
        if (width != null || height != null) {
            parts.add("size " + (width == null ? "default" : width) + "x" + (height == null ? "default" : height));
        }
        String negative = d.get("negativePrompt", String.class);
        if (negative != null) {
            parts.add(negative.isEmpty() ? "no negative prompt" : "negative prompt \"" + Texts.cut(negative, 200) + "\"");
        }
        return String.join(", ", parts) + ".";
    }

    /** Every command and flag with what it allows on this server. Fits Discord's 2000 characters. */
    static String help(CommandLimits limits) {
        StringBuilder text = new StringBuilder("Commands:\n")
                .append("/imagine <prompt> [flags]: make pictures; send a picture with it as caption to start from "
                        + "it. In a private chat any text is a prompt.\n")
                .append("/animate <a> -> <b> [flags]: a video\n")
                .append("/history: your last 10 pictures\n")
                .append("/rerun <id> [seed]: run one again\n")
                .append("/seed <id>: every parameter of one\n")
                .append("/queue: where your jobs are\n")
                .append("/cancel [id]: cancel your jobs\n")
                .append("/settings [sampler|steps|size|negative ...|reset]: your defaults\n")
                .append("Flags, after the prompt (a red fox --ar 16:9 --no text):");
        List<String> animation = new ArrayList<>();
        for (Flag flag : Flag.values()) {
            if (flag.animation()) {
                animation.add("--" + flag.primary() + (flag == Flag.FRAMES ? " 2-" + limits.maxFrames()
                        : flag == Flag.FPS ? " 1-" + (int) flag.max() : flag == Flag.TO_SEED ? " 7,8"
                        : flag == Flag.EASE ? " smooth" : ""));
                continue;
            }
            text.append("\n--").append(flag.primary());
            for (String alias : flag.names().subList(1, flag.names().size())) {
                text.append(" or --").append(alias);
            }
            text.append(": ").append(flag.purpose()).append("; ").append(flag.allowed(limits));
        }
        return text.append("\n/animate: ").append(String.join(" ", animation))
                .append("\nButtons: Re-roll, Rerun, Vary, Upscale (2x), PNG (original file), Reverse, Delete, "
                        + "Cancel.").toString();
    }
}
