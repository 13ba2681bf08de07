package dev.imagine.bot.stored;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.engine.GenerationRequest;
import dev.imagine.engine.RequestValues;
import dev.imagine.engine.PromptSyntax;
import dev.imagine.engine.SamplerKind;
import dev.imagine.storage.Generation;
import dev.imagine.storage.GenerationKind;
import dev.imagine.storage.ModelRef;
import dev.imagine.storage.NewGeneration;
import dev.imagine.storage.NewImage;
import dev.imagine.storage.Storage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every parameter of {@link GenerationRequest} survives the whole way a generation travels: request, stored row in a
 * real H2 database, rerun request; and saved defaults the same. A parameter added to the request without a sample
 * value here fails the first test; one that storage or the rerun drops fails the second.
 */
class ParameterRoundTripTest {
    @TempDir
    java.nio.file.Path dir;

    /** A value for every parameter, each different from the builder's default and valid together. */
    private static final Map<String, Object> SAMPLES = new LinkedHashMap<>();

    static {
        SAMPLES.put("prompt", "a lighthouse, (storm:1.2) \u2014 \u00e9t\u00e9 \"quoted\" \\ \n second line");
        SAMPLES.put("negativePrompt", "blurry");
        SAMPLES.put("seed", 4_294_967_290L);
        SAMPLES.put("sampler", SamplerKind.DPMPP_2M_KARRAS);
        SAMPLES.put("steps", 37);
        SAMPLES.put("guidance", 6.25);
        SAMPLES.put("width", 640);
        SAMPLES.put("height", 384);
        SAMPLES.put("count", 3);
        SAMPLES.put("strength", 0.55);
        SAMPLES.put("subseed", 12_345L);
        SAMPLES.put("subseedStrength", 0.1 + 0.2);
        SAMPLES.put("upscale", 1.75);
        SAMPLES.put("hiresStrength", 0.3);
        SAMPLES.put("originalWidth", 2048);
        SAMPLES.put("originalHeight", 1536);
        SAMPLES.put("cropX", 64);
        SAMPLES.put("cropY", 32);
        SAMPLES.put("promptSyntax", PromptSyntax.PLAIN);
    }

    private static GenerationRequest everyParameterSet(BufferedImage init) {
        GenerationRequest.Builder builder = GenerationRequest.builder("");
        SAMPLES.forEach(builder::set);
        return builder.initImage(init).build();
    }

    @Test
    void everyParameterHasASampleAndTheSampleRequestSetsEveryComponent() {
        assertThat(SAMPLES.keySet()).as("a sample value for every parameter of GenerationRequest")
                .containsExactlyElementsOf(RequestValues.names());
        GenerationRequest request = everyParameterSet(image());
        GenerationRequest defaults = GenerationRequest.builder("").build();
        for (RecordComponent component : GenerationRequest.class.getRecordComponents()) {
            assertThat(read(component, request)).as(component.getName()).isNotNull()
                    .isNotEqualTo(read(component, defaults));
        }
    }

    @Test
    void aRequestStoredInH2AndReadBackRerunsWithEveryComponentEqual() throws IOException {
        BufferedImage init = image();
        byte[] initPng = png(init);
        GenerationRequest request = everyParameterSet(init);
        long id;
        try (Storage storage = Storage.open(dir)) {
            long user = storage.users().ensure("cli", "local", null).id();
            id = storage.generations().record(new NewGeneration(user, GenerationKind.IMG2IMG, null,
                    new ModelRef("tiny", null, null), StoredJobs.parameters(request), null), initPng);
            storage.generations().markRunning(id);
            storage.generations().markDone(id, StoredJobs.parameters(request), List.of(new NewImage(0, 1, initPng,
                    false)), 5);
        }
        GenerationRequest rerun;
        try (Storage storage = Storage.open(dir)) {
            Generation stored = storage.generations().find(id).orElseThrow();
            rerun = StoredJobs.request(storage.generations().rerunSpec(stored.id()).orElseThrow(), null);
        }
        for (RecordComponent component : GenerationRequest.class.getRecordComponents()) {
            Object expected = read(component, request);
            Object actual = read(component, rerun);
            if (expected instanceof BufferedImage picture) {
                assertThat(pixels((BufferedImage) actual)).as(component.getName()).isEqualTo(pixels(picture));
            } else {
                assertThat(actual).as(component.getName()).isEqualTo(expected);
            }
        }
    }

    @Test
    void savedDefaultsComeBackAsTheyWereSaved() {
        RequestValues saved = RequestValues.of(everyParameterSet(image()));
        try (Storage storage = Storage.open(dir)) {
            long user = storage.users().ensure("cli", "local", null).id();
            storage.settings().putUser(user, StoredJobs.parameters(saved));
            assertThat(StoredJobs.defaults(storage.settings().user(user))).isEqualTo(saved);
        }
    }

    @Test
    void aSavedValueThisVersionCannotReadIsDroppedNotFatal() {
        RequestValues read = StoredJobs.defaults(new dev.imagine.storage.GenerationParameters(Map.of(
                "sampler", "a-sampler-long-gone", "steps", 30, "someRemovedParameter", true)));
        assertThat(read).isEqualTo(RequestValues.NONE.with("steps", 30));
    }

    private static Object read(RecordComponent component, GenerationRequest request) {
        try {
            return component.getAccessor().invoke(request);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static BufferedImage image() {
        BufferedImage image = new BufferedImage(24, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 24; x++) {
                image.setRGB(x, y, (x * 10) << 16 | (y * 15) << 8 | (x + y));
            }
        }
        return image;
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
