package dev.imagine.bot.command;

import dev.imagine.bot.stored.StoredJobs;
import dev.imagine.engine.RequestValues;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.bot.dispatch.JobSpec;
import dev.imagine.engine.GenerationRequest;
import dev.imagine.engine.SamplerKind;
import dev.imagine.storage.GenerationKind;
import dev.imagine.storage.ModelRef;
import dev.imagine.storage.RerunSpec;
import dev.imagine.storage.StoredImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Merging options and settings into a request, the server's limits, pictures, and jobs derived from stored ones. */
class RequestFactoryTest {
    private static final CommandLimits LIMITS = new CommandLimits(512, 512, 1024, 4, 64 * 1024, 4096L * 4096L);
    private final RequestFactory factory = new RequestFactory(LIMITS);

    private static RequestValues steps(int steps) {
        return TestValues.defaults(null, steps, null, null, null);
    }

    private JobSpec create(String prompt, PromptOptions typed, RequestValues user, RequestValues channel) {
        return factory.create(PromptParser.parse(prompt), typed, user, channel, null);
    }

    private GenerationRequest request(String prompt) {
        return create(prompt, PromptOptions.NONE, RequestValues.NONE, RequestValues.NONE).request();
    }

    static byte[] png(int width, int height) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void typedOptionsWinOverFlagsOverUserSettingsOverChannelSettings() {
        PromptOptions typed = PromptOptions.builder().set("steps", 10).build();
        assertThat(create("fox --steps 20", typed, steps(30), steps(40)).request().steps()).isEqualTo(10);
        assertThat(create("fox --steps 20", PromptOptions.NONE, steps(30), steps(40)).request().steps()).isEqualTo(20);
        assertThat(create("fox", PromptOptions.NONE, steps(30), steps(40)).request().steps()).isEqualTo(30);
        assertThat(create("fox", PromptOptions.NONE, RequestValues.NONE, steps(40)).request().steps())
                .isEqualTo(40);
        assertThat(request("fox").steps()).isNull();
    }

    @Test
    void whatNothingGivesIsLeftToTheModel() {
        GenerationRequest r = request("fox");

        assertThat(r.prompt()).isEqualTo("fox");
        assertThat(r.seed()).isNull();
        assertThat(r.sampler()).isNull();
        assertThat(r.guidance()).isNull();
        assertThat(r.width()).isNull();
        assertThat(r.height()).isNull();
        assertThat(r.count()).isEqualTo(1);
        assertThat(r.negativePrompt()).isEmpty();
    }

    @Test
    void settingsGiveSamplerSizeAndNegativeAndAnEmptyQuotedNoClearsTheNegative() {
        RequestValues channel = TestValues.defaults("ddim", null, 640, 448, "watermark");

        GenerationRequest r = create("fox", PromptOptions.NONE, RequestValues.NONE, channel).request();
        assertThat(r.sampler()).isEqualTo(SamplerKind.DDIM);
        assertThat(r.width()).isEqualTo(640);
        assertThat(r.height()).isEqualTo(448);
        assertThat(r.negativePrompt()).isEqualTo("watermark");

        assertThat(create("fox --no \"\"", PromptOptions.NONE, RequestValues.NONE, channel).request()
                .negativePrompt()).isEmpty();
    }

    @Test
    void anAspectRatioKeepsTheModelsAreaOrTheSettingsArea() {
        GenerationRequest plain = request("fox --ar 16:9");
        assertThat(plain.width()).isEqualTo(680); // see SizesTest: 682.67 x 384 at 512 x 512
        assertThat(plain.height()).isEqualTo(384);

        RequestValues big = TestValues.defaults(null, null, 768, 768, null);
        GenerationRequest r = create("fox --ar 16:9", PromptOptions.NONE, big, RequestValues.NONE).request();
        assertThat(r.width()).isEqualTo(1024); // sqrt(768 * 768 * 16 / 9) = 1024
        assertThat(r.height()).isEqualTo(576);
    }

    @Test
    void typedSizeOptionsReplaceTheFlagsSizeAsAWhole() {
        PromptOptions square = PromptOptions.builder().aspect(new AspectRatio(1, 1)).build();
        GenerationRequest r = create("fox --size 768x512", square, RequestValues.NONE, RequestValues.NONE)
                .request();
        assertThat(r.width()).isEqualTo(512);
        assertThat(r.height()).isEqualTo(512);

        PromptOptions width = PromptOptions.builder().set("width", 640).build();
        GenerationRequest w = create("fox --size 768x512", width, RequestValues.NONE, RequestValues.NONE)
                .request();
        assertThat(w.width()).isEqualTo(640);
        assertThat(w.height()).isNull();
    }

    @Test
    void anAspectWithOneSideDerivesTheOtherAndWithBothIsRefused() {
        PromptOptions typed = PromptOptions.builder().set("width", 768).aspect(new AspectRatio(16, 9)).build();
        GenerationRequest r = create("fox", typed, RequestValues.NONE, RequestValues.NONE).request();
        assertThat(r.height()).isEqualTo(432); // 768 * 9 / 16

        assertThatThrownBy(() -> request("fox --size 768x512 --ar 16:9"))
                .hasMessage("Give either a size or an aspect ratio, not both.");
        assertThatThrownBy(() -> request("fox --ar 8:1"))
                .hasMessage("Aspect ratio 8:1 is too extreme; use one from 1:4 to 4:1.");
    }

    @Test
    void theServersLimitsAreTighterThanTheEngines() {
        assertThatThrownBy(() -> request("fox --count 6"))
                .hasMessage("You asked for 6 images; this server makes at most 4 at a time.");
        assertThatThrownBy(() -> request("fox --size 2048x512"))
                .hasMessage("Width 2048 is over this server's maximum of 1024 pixels per side.");
        assertThatThrownBy(() -> request("fox --size 768x768 --upscale 2"))
                .hasMessage("Upscaling 768x768 by 2 would make 1536x1536, over this server's maximum of 1024 pixels "
                        + "per side.");
        assertThatThrownBy(() -> request("fox --upscale 2.5")) // the model's 512 x 512: 1280 x 1280
                .hasMessageContaining("would make 1280x1280");
    }

    @Test
    void theEnginesChecksBecomeSentences() {
        assertThatThrownBy(() -> request("x".repeat(4001)))
                .hasMessage("The prompt is 4001 characters long; the limit is 4000 (and only about 75 words are used)");
        assertThatThrownBy(() -> request("fox --strength 0.5"))
                .hasMessage("Strength applies only to image-to-image; attach an init image.");
        assertThatThrownBy(() -> request("fox --seed 4294967295 --count 2"))
                .hasMessageStartingWith("Seed 4294967295 with 2 images goes past 4294967295");
    }

    @Test
    void aPictureMakesAnImg2imgJobWithItsBytesAndSettingsSizeIsNotApplied() {
        byte[] bytes = png(96, 64);
        RequestValues user = TestValues.defaults(null, null, 768, 768, null);

        JobSpec spec = factory.create(PromptParser.parse("oil painting --strength 0.6"), PromptOptions.NONE, user,
                RequestValues.NONE, InitImage.of(bytes));

        assertThat(spec.kind()).isEqualTo(JobSpec.Kind.IMG2IMG);
        assertThat(spec.initImageBytes()).isEqualTo(bytes);
        assertThat(spec.request().initImage().getWidth()).isEqualTo(96);
        assertThat(spec.request().strength()).isEqualTo(0.6);
        assertThat(spec.request().width()).isNull();
    }

    @Test
    void anOversizedPictureIsRefusedByItsSizeBeforeDecoding() {
        byte[] notAnImage = new byte[64 * 1024 + 1];
        Arrays.fill(notAnImage, (byte) 7);

        assertThatThrownBy(() -> factory.decode(InitImage.of(notAnImage)))
                .hasMessage("The picture is 65537 bytes; the limit is 65536 bytes. Send a smaller one.");
        assertThatThrownBy(() -> factory.decode(new InitImage(new byte[10], 5L << 20)))
                .hasMessage("The picture is 5 MB; the limit is 64 KB. Send a smaller one.");
        assertThat(factory.refuseSize(64 * 1024)).isNull();
        assertThat(factory.refuseSize(100_000)).isEqualTo("The picture is 97.7 KB; the limit is 64 KB. Send a "
                + "smaller one.");
    }

    @Test
    void aBadPictureGetsTheDecodersSentence() {
        assertThatThrownBy(() -> factory.decode(InitImage.of("hello".getBytes())))
                .isInstanceOf(CommandException.class).hasMessage("This file is not a PNG, JPEG or WebP image.");
        RequestFactory tight = new RequestFactory(new CommandLimits(512, 512, 1024, 4, 64 * 1024, 100));
        assertThatThrownBy(() -> tight.decode(InitImage.of(png(16, 16))))
                .hasMessage("The image is 16x16 pixels; the limit is 100 pixels.");
    }

    private static RerunSpec stored(GenerationKind kind, GenerationRequest p, byte[] init) {
        return new RerunSpec(7, kind, new ModelRef("tiny", null, null), StoredJobs.parameters(p), init);
    }

    private static GenerationRequest.Builder done() {
        return GenerationRequest.builder("fox").sampler(SamplerKind.EULER).steps(20).guidance(7.0).width(512).height(512)
                .count(2).seed(42L);
    }

    private static StoredImage image(int index, long seed) {
        return new StoredImage(7, index, seed, "0".repeat(64), "images/x.png", 10, false);
    }

    @Test
    void rerunKeepsTheSeedAndRerollDropsIt() {
        RerunSpec spec = stored(GenerationKind.TXT2IMG, done().build(), null);

        JobSpec rerun = factory.rerun(spec, null);
        assertThat(rerun.request().seed()).isEqualTo(42L);
        assertThat(rerun.request().count()).isEqualTo(2);
        assertThat(rerun.request().sampler()).isEqualTo(SamplerKind.EULER);
        assertThat(rerun.kind()).isEqualTo(JobSpec.Kind.TXT2IMG);
        assertThat(rerun.parentId()).isEqualTo(7L);
        assertThat(factory.rerun(spec, 5L).request().seed()).isEqualTo(5L);

        JobSpec reroll = factory.reroll(spec);
        assertThat(reroll.request().seed()).isNull();
        assertThat(reroll.request().count()).isEqualTo(2);
        assertThat(reroll.request().steps()).isEqualTo(20);
        assertThat(reroll.parentId()).isEqualTo(7L);
    }

    @Test
    void rerollingAVariationKeepsTheSeedAndDrawsANewVariationSeed() {
        RerunSpec spec = stored(GenerationKind.VARIATION, done().count(1).subseed(99L).subseedStrength(0.25).build(), null);

        GenerationRequest r = factory.reroll(spec).request();

        assertThat(r.seed()).isEqualTo(42L);
        assertThat(r.subseed()).isNull();
        assertThat(r.subseedStrength()).isEqualTo(0.25);
    }

    @Test
    void varyTakesThePicturesSeedOneImageAndARandomVariationSeed() {
        JobSpec vary = factory.vary(stored(GenerationKind.TXT2IMG, done().build(), null), image(1, 43));

        assertThat(vary.request().seed()).isEqualTo(43L);
        assertThat(vary.request().count()).isEqualTo(1);
        assertThat(vary.request().subseed()).isNull();
        assertThat(vary.request().subseedStrength()).isEqualTo(0.25);
        assertThat(vary.kind()).isEqualTo(JobSpec.Kind.VARIATION);
        assertThat(vary.parentId()).isEqualTo(7L);
    }

    @Test
    void upscaleTakesThePicturesSeedAndDoublesWithinTheMaximumSide() {
        JobSpec up = factory.upscale(stored(GenerationKind.TXT2IMG, done().build(), null), image(1, 43));

        assertThat(up.request().seed()).isEqualTo(43L);
        assertThat(up.request().count()).isEqualTo(1);
        assertThat(up.request().upscale()).isEqualTo(2.0);
        assertThat(up.request().hiresStrength()).isEqualTo(0.35);
        assertThat(up.request().outputWidth()).isEqualTo(1024);
        assertThat(up.kind()).isEqualTo(JobSpec.Kind.UPSCALE);

        assertThatThrownBy(() -> factory.upscale(stored(GenerationKind.TXT2IMG, done().width(768).build(), null),
                image(0, 42))).hasMessage("Upscaling 768x512 by 2 would make 1536x1024, over this server's maximum "
                        + "of 1024 pixels per side.");
    }

    @Test
    void upscalingAnUpscaleDoublesTheFactorUpToFour() {
        RequestFactory roomy = new RequestFactory(new CommandLimits(512, 512, 2048, 4, 1024, 4096L * 4096L));
        GenerationRequest twice = done().width(256).height(256).upscale(2.0).hiresStrength(0.35).build();
        assertThat(roomy.upscale(stored(GenerationKind.UPSCALE, twice, null), image(0, 42)).request().upscale())
                .isEqualTo(4.0);

        GenerationRequest fourTimes = done().width(256).height(256).upscale(4.0).hiresStrength(0.35).build();
        assertThatThrownBy(() -> roomy.upscale(stored(GenerationKind.UPSCALE, fourTimes, null), image(0, 42)))
                .hasMessage("This picture is already upscaled 4x; it cannot be enlarged further.");
    }

    @Test
    void upscalingAVariationPictureKeepsItsOwnVariationSeed() {
        GenerationRequest variation = done().subseed(99L).subseedStrength(0.25).build();

        GenerationRequest r = factory.upscale(stored(GenerationKind.VARIATION, variation, null), image(1, 43))
                .request();

        assertThat(r.subseed()).isEqualTo(100L); // picture i of a batch uses subseed + i
        assertThat(r.subseedStrength()).isEqualTo(0.25);
    }

    @Test
    void derivedJobsOfAnImg2imgGenerationStayImg2imgWithItsPicture() {
        byte[] init = png(64, 64);
        RerunSpec spec = stored(GenerationKind.IMG2IMG, done().initImage(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB)).strength(0.6).build(), init);

        JobSpec vary = factory.vary(spec, image(0, 42));
        JobSpec rerun = factory.rerun(spec, null);

        assertThat(vary.kind()).isEqualTo(JobSpec.Kind.IMG2IMG);
        assertThat(vary.initImageBytes()).isEqualTo(init);
        assertThat(vary.request().strength()).isEqualTo(0.6);
        assertThat(rerun.kind()).isEqualTo(JobSpec.Kind.IMG2IMG);
        assertThat(rerun.request().initImage().getWidth()).isEqualTo(64);
    }
}
