package dev.imagine.bot.command;

import dev.imagine.bot.stored.StoredJobs;
import dev.imagine.engine.RequestValues;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.bot.dispatch.JobEvent;
import dev.imagine.engine.GeneratedImage;
import dev.imagine.engine.GenerationRequest;
import dev.imagine.engine.GenerationResult;
import dev.imagine.engine.PromptUsage;
import dev.imagine.engine.SamplerKind;
import dev.imagine.engine.Timings;
import dev.imagine.storage.Generation;
import dev.imagine.storage.GenerationKind;
import dev.imagine.storage.GenerationParameters;
import dev.imagine.storage.GenerationStatus;
import dev.imagine.storage.ModelRef;
import dev.imagine.storage.ReplyTarget;
import dev.imagine.storage.StoredImage;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Texts: statuses, the caption and how it is cut, history, parameters, queue, settings and help. */
class MessagesTest {
    private static final String NUMBERS = "Seeds 42-43 \u00b7 Euler a \u00b7 20 steps \u00b7 CFG 7.5 \u00b7 512x512 "
            + "\u00b7 3.2 s \u00b7 #123";

    private static GenerationResult result(String prompt, String negative, String cutWords) {
        GenerationRequest request = GenerationRequest.builder(prompt).negativePrompt(negative).seed(42L)
                .sampler(SamplerKind.EULER_ANCESTRAL).steps(20).guidance(7.5).size(512, 512).count(2).build();
        List<GeneratedImage> images = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            images.add(new GeneratedImage(i, 42 + i, new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), "p"));
        }
        return new GenerationResult(request, images, cutWords, "",
                new Timings(Duration.ofMillis(3210), Duration.ZERO, Duration.ZERO, 20, 20), "test");
    }

    @Test
    void statusTexts() {
        assertThat(Messages.queued(0, 3)).isEqualTo("Queued: yours is next.");
        assertThat(Messages.queued(2, 5)).isEqualTo("Queued: 2 jobs ahead of yours (5 waiting).");
        assertThat(Messages.queued(1, 1)).isEqualTo("Queued: 1 job ahead of yours (1 waiting).");
        assertThat(Messages.progress(8, 20)).isEqualTo("Generating: 40% (step 8 of 20)");
        assertThat(Messages.status(new JobEvent.Progress(1, 3, Duration.ZERO), 0))
                .isEqualTo("Generating: 33% (step 1 of 3)");
        assertThat(Messages.status(new JobEvent.Started(), 0)).isEqualTo("Generating\u2026");
        assertThat(Messages.status(new JobEvent.Failed("GPU out of memory at 512x512 with 1 image"), 0))
                .isEqualTo("Failed. GPU out of memory at 512x512 with 1 image.");
        assertThat(Messages.status(new JobEvent.Cancelled("Alice cancelled it"), 0))
                .isEqualTo("Cancelled. Alice cancelled it.");
        assertThat(Messages.status(new JobEvent.Queued(2), 4)).isEqualTo(Messages.queued(2, 4));
    }

    @Test
    void theCaptionHoldsPromptNegativeAndEveryNumber() {
        String caption = Messages.caption(123, result("a red fox", "blurry", ""), 1024);

        assertThat(caption).isEqualTo("a red fox\nNegative: blurry\n" + NUMBERS);
    }

    @Test
    void aLongPromptIsCutWithAnEllipsisButNeverTheNumbers() {
        String prompt = "word ".repeat(400).strip();

        String caption = Messages.caption(123, result(prompt, "", ""), Messages.TELEGRAM_CAPTION_LIMIT);

        assertThat(caption).hasSizeLessThanOrEqualTo(1024).endsWith("\n" + NUMBERS);
        String shownPrompt = caption.substring(0, caption.indexOf('\n'));
        assertThat(shownPrompt).endsWith("word\u2026");
        assertThat(prompt).startsWith(shownPrompt.substring(0, shownPrompt.length() - 1));
    }

    @Test
    void captionsFitEveryLimitFromTheSmallestUp() {
        String prompt = "p".repeat(3000);
        for (int max = Messages.MIN_CAPTION_LENGTH; max <= 2100; max += 37) {
            String caption = Messages.caption(123, result(prompt, "n".repeat(3000), "cut words here"), max);

            assertThat(caption).hasSizeLessThanOrEqualTo(max).contains(NUMBERS);
        }
    }

    @Test
    void aCutNeverSplitsAnEmoji() {
        String prompt = "\ud83e\udd8a".repeat(1000); // 1000 foxes, two UTF-16 units each

        String caption = Messages.caption(123, result(prompt, "", ""), 1024);

        String shownPrompt = caption.substring(0, caption.indexOf('\n'));
        assertThat(shownPrompt.codePoints().filter(c -> c == 0x1F98A).count() * 2 + 1)
                .isEqualTo(shownPrompt.length());
    }

    @Test
    void tooSmallACaptionLimitIsAProgrammingError() {
        assertThatThrownBy(() -> Messages.caption(1, result("x", "", ""), 100))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theWordsClipCutAreReported() {
        GenerationResult result = result("a fox", "", "and a very long tail");

        assertThat(Messages.truncation(result)).contains("Past the 75-token limit, so not used: and a very long tail");
        assertThat(Messages.caption(123, result, 1024)).endsWith(NUMBERS
                + "\nPast the 75-token limit, so not used: and a very long tail");
        assertThat(Messages.truncation(result("a fox", "", ""))).isEmpty();
    }

    @Test
    void aPromptOfSeveralChunksSaysSoAndNamesWhyWordsWereCut() {
        GenerationResult plain = result("a fox", "", "");
        GenerationResult long1 = new GenerationResult(plain.request(), plain.images(), "the last words", "",
                plain.timings(), "test", new PromptUsage(8, 600, "the last words", "this server's limit of 8 chunks"),
                new PromptUsage(1, 3, "", ""));

        assertThat(Messages.truncation(long1)).contains("Prompt: 8 chunks, 600 tokens.\n"
                + "Past this server's limit of 8 chunks, so not used: the last words");
        GenerationResult twoChunks = new GenerationResult(plain.request(), plain.images(), "", "", plain.timings(),
                "test", new PromptUsage(2, 104, "", ""), null);
        assertThat(Messages.truncation(twoChunks)).contains("Prompt: 2 chunks, 104 tokens.");
        GenerationResult oneChunk = new GenerationResult(plain.request(), plain.images(), "", "", plain.timings(),
                "test", new PromptUsage(1, 60, "", ""), null);
        assertThat(Messages.truncation(oneChunk)).isEmpty();
    }

    @Test
    void img2imgVariationAndUpscaleShowTheirNumbers() {
        GenerationRequest request = GenerationRequest.builder("x").seed(5L).sampler(SamplerKind.DDIM).steps(10)
                .guidance(7.0).size(512, 256).initImage(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB))
                .strength(0.6).subseed(77L).subseedStrength(0.25).upscale(2.0).hiresStrength(0.35).build();
        GenerationResult result = new GenerationResult(request, List.of(new GeneratedImage(0, 5,
                new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), "p")), "", "",
                new Timings(Duration.ofSeconds(125), Duration.ZERO, Duration.ZERO, 10, 10), "test");

        assertThat(Messages.caption(7, result, 1024)).isEqualTo("x\nSeed 5 \u00b7 DDIM \u00b7 10 steps \u00b7 CFG 7 "
                + "\u00b7 1024x512 \u00b7 strength 0.6 \u00b7 variation seed 77 at 0.25 \u00b7 upscaled 2x \u00b7 "
                + "2 min 5 s \u00b7 #7");
    }

    private static Generation generation(long id, GenerationStatus status, String prompt, GenerationParameters p,
            List<StoredImage> images) {
        return new Generation(id, 1, "test", GenerationKind.TXT2IMG, null, new ModelRef("tiny", "abc123", null),
                p == null ? GenerationParameters.of("prompt", prompt, "count", 1) : p, null,
                new ReplyTarget(null, "chat", null, null), status, null, Instant.EPOCH, null, null, null, 1, images);
    }

    private static StoredImage image(long generation, int index, long seed) {
        return new StoredImage(generation, index, seed, "0".repeat(64), "images/x.png", 10, false);
    }

    @Test
    void historyShowsIdSeedAndAShortPrompt() {
        String longPrompt = "a castle on a hill at dawn with banners flying and dragons circling above the towers";
        String text = Messages.history(List.of(
                generation(12, GenerationStatus.DONE, longPrompt, null, List.of(image(12, 0, 42))),
                generation(11, GenerationStatus.DONE, "two cats", null, List.of(image(11, 0, 7), image(11, 1, 8))),
                generation(10, GenerationStatus.FAILED, "oops", null, List.of())));

        assertThat(text.lines()).containsExactly("Your last 3 pictures, newest first:",
                "#12 \u00b7 seed 42 \u00b7 a castle on a hill at dawn with banners flying and dragons\u2026",
                "#11 \u00b7 seeds 7-8 \u00b7 two cats",
                "#10 \u00b7 failed \u00b7 oops");
        assertThat(text.lines().skip(1).findFirst().orElseThrow().split(" \u00b7 ")[2].length())
                .isLessThanOrEqualTo(Messages.HISTORY_PROMPT_CHARS);
        assertThat(Messages.history(List.of())).startsWith("You have no pictures yet.");
    }

    @Test
    void parametersAreWrittenInTheAutomatic1111Style() {
        GenerationParameters p = StoredJobs.parameters(GenerationRequest.builder("a fox")
                .negativePrompt("blurry, text").sampler(SamplerKind.EULER_ANCESTRAL).steps(20).guidance(7.5)
                .width(512).height(768).count(2).seed(42L).strength(null).build());
        String text = Messages.parameters(generation(5, GenerationStatus.DONE, null, p,
                List.of(image(5, 0, 42), image(5, 1, 43))));

        assertThat(text.lines()).containsExactly("Generation #5: done, 2 images (42, 43)", "a fox",
                "Negative prompt: blurry, text",
                "Steps: 20, Sampler: Euler a, CFG scale: 7.5, Seed: 42, Size: 512x768, Batch size: 2, Model: tiny, "
                        + "Model fingerprint: abc123");
    }

    @Test
    void parametersFitDiscordsLimitEvenWithHugePrompts() {
        GenerationParameters p = StoredJobs.parameters(GenerationRequest.builder("x".repeat(4000))
                .negativePrompt("y".repeat(4000)).seed(1L).build());

        String text = Messages.parameters(generation(5, GenerationStatus.QUEUED, null, p, List.of()));

        assertThat(text).hasSizeLessThanOrEqualTo(Messages.DISCORD_MESSAGE_LIMIT).contains("Seed: 1, Model: tiny")
                .contains("\nNegative prompt: yyy");
    }

    @Test
    void queueListsTheUsersJobs() {
        assertThat(Messages.queue(List.of(new long[] {4, 0}, new long[] {9, 3}), 5)).isEqualTo(
                "Your jobs:\n#4: nothing ahead of it\n#9: 3 jobs ahead of it\n5 jobs waiting in all.");
        assertThat(Messages.queue(List.of(), 0)).isEqualTo("You have nothing queued or running. Nothing is waiting.");
    }

    @Test
    void settingsDescribeBothScopes() {
        String text = Messages.settings(TestValues.defaults("euler-a", 30, 768, 512, "text"),
                RequestValues.NONE);

        assertThat(text).startsWith("Your settings: sampler euler-a, 30 steps, size 768x512, negative prompt "
                + "\"text\".\nThis chat's defaults: none (the model's defaults).");
    }

    @Test
    void helpListsEveryCommandFlagAndSamplerWithThisServersLimitsAndFitsDiscord() {
        CommandLimits limits = new CommandLimits(512, 512, 1024, 4, 10L << 20, 4096L * 4096L);

        String help = Messages.help(limits);

        assertThat(help).hasSizeLessThanOrEqualTo(Messages.DISCORD_MESSAGE_LIMIT);
        for (String command : List.of("/imagine", "/history", "/rerun", "/seed", "/queue", "/cancel", "/settings")) {
            assertThat(help).contains(command);
        }
        for (Flag flag : Flag.values()) {
            for (String name : flag.names()) {
                assertThat(help).contains("--" + name);
            }
        }
        for (SamplerKind sampler : SamplerKind.values()) {
            assertThat(help).contains(sampler.id());
        }
        assertThat(help).contains("from 64 to 1024").contains("from 1 to 4").contains("from 1 to 150")
                .contains("from 0 to 30").contains("from 0 to 1");
    }
}
