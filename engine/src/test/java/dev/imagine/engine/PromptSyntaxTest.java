package dev.imagine.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.engine.testmodel.TinyModelSpec;
import dev.imagine.engine.text.ClipTokenizer;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A1111's prompt syntax through the whole engine on the tiny model, against the plain (diffusers) reading. */
class PromptSyntaxTest {
    private static final String LONG = "a very detailed painting of a quiet harbour town ".repeat(12)
            + "with a purple elephant";
    private static ImageEngine engine;

    @BeforeAll
    static void open() {
        engine = TestModels.open(TinyModelSpec.tiny());
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    private static GenerationRequest.Builder request(String prompt, PromptSyntax syntax) {
        return GenerationRequest.builder(prompt).seed(7L).steps(4).size(64, 64).promptSyntax(syntax);
    }

    private static int[] pixels(GenerationResult result, int image) {
        BufferedImage picture = result.images().get(image).image();
        return picture.getRGB(0, 0, picture.getWidth(), picture.getHeight(), null, 0, picture.getWidth());
    }

    private static void assertSamePixels(GenerationResult a, GenerationResult b) {
        assertThat(a.images()).hasSameSizeAs(b.images());
        for (int i = 0; i < a.images().size(); i++) {
            assertThat(pixels(a, i)).as("image " + i).containsExactly(pixels(b, i));
        }
    }

    @Test
    void aPromptWithoutSyntaxGivesTheSamePixelsInBothReadings() {
        for (GenerationRequest.Builder b : List.of(
                request("a red fox in the snow", null).negativePrompt("blurry, low quality").count(2),
                request("a lighthouse at dusk", null).guidance(1.0),
                request("same words", null).negativePrompt("same words"),
                request("", null),
                request("time: noon, 3 cats", null).sampler(SamplerKind.EULER_ANCESTRAL))) {
            GenerationResult a1111 = engine.generate(b.promptSyntax(PromptSyntax.A1111).build());
            GenerationResult plain = engine.generate(b.promptSyntax(PromptSyntax.PLAIN).build());
            assertSamePixels(a1111, plain);
            assertThat(a1111.timings().unetCalls()).isEqualTo(plain.timings().unetCalls());
            assertThat(a1111.promptUsage()).isEqualTo(plain.promptUsage());
        }
    }

    @Test
    void theDefaultSyntaxIsA1111AndTheResultNamesIt() {
        GenerationResult result = engine.generate(request("an owl", null).build());
        assertThat(result.request().promptSyntax()).isEqualTo(PromptSyntax.A1111);
    }

    @Test
    void emphasisChangesTheImageAndPlainReadsBracketsAsText() {
        GenerationResult plainWords = engine.generate(request("a fox", PromptSyntax.A1111).build());
        GenerationResult weighted = engine.generate(request("a (fox:1.5)", PromptSyntax.A1111).build());
        GenerationResult literal = engine.generate(request("a (fox:1.5)", PromptSyntax.PLAIN).build());
        assertThat(pixels(weighted, 0)).isNotEqualTo(pixels(plainWords, 0));
        assertThat(pixels(weighted, 0)).isNotEqualTo(pixels(literal, 0));
    }

    @Test
    void aLongPromptIsReadInChunksAndTheHalvesRunApartWhenTheirLengthsDiffer() {
        GenerationResult a1111 = engine.generate(request(LONG, PromptSyntax.A1111).build());
        GenerationResult plain = engine.generate(request(LONG, PromptSyntax.PLAIN).build());

        assertThat(plain.truncatedPrompt()).endsWith("purple elephant");
        assertThat(plain.promptUsage()).isEqualTo(new PromptUsage(1, 75, plain.truncatedPrompt(),
                "past CLIP's 75 tokens"));
        assertThat(a1111.truncated()).isFalse();
        int tokens = tokenCount(LONG);
        int chunks = (tokens + 74) / 75;
        assertThat(chunks).isGreaterThan(1);
        assertThat(a1111.promptUsage().chunks()).isEqualTo(chunks);
        assertThat(a1111.promptUsage().tokens()).isEqualTo(tokens);
        assertThat(a1111.promptUsage().describe()).isEqualTo(chunks + " chunks, " + tokens + " tokens");
        assertThat(a1111.negativeUsage().describe()).isEqualTo("1 chunk, 0 tokens");
        // PNDM: 4 steps are 5 UNet calls. Several chunks against the negative's 1: two calls each time, not one.
        assertThat(plain.timings().unetCalls()).isEqualTo(5);
        assertThat(a1111.timings().unetCalls()).isEqualTo(10);
        assertThat(pixels(a1111, 0)).isNotEqualTo(pixels(plain, 0));
    }

    private static int tokenCount(String text) {
        try {
            return ClipTokenizer.load(TestModels.folder(TinyModelSpec.tiny()).resolve("tokenizer")).tokenize(text).size();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aNegativeOfTheSameChunkCountKeepsOneBatchedCall() {
        GenerationResult result = engine.generate(request(LONG, PromptSyntax.A1111).negativePrompt(LONG).build());
        assertThat(result.timings().unetCalls()).isEqualTo(5);
        assertThat(result.negativeUsage().chunks()).isEqualTo(result.promptUsage().chunks()).isGreaterThan(1);
    }

    @Test
    void wordsPastTheServersChunkLimitAreCutAndNamed() {
        try (ImageEngine limited = ImageEngine.open(TestModels.folder(TinyModelSpec.tiny()),
                new EngineOptions(ExecutionDevice.cpu(), 1, 1, null).withMaxPromptChunks(1))) {
            GenerationResult result = limited.generate(request(LONG, PromptSyntax.A1111).build());
            assertThat(result.promptUsage().chunks()).isEqualTo(1);
            assertThat(result.truncatedPrompt()).endsWith("purple elephant");
            assertThat(result.promptUsage().cutBecause()).isEqualTo("this server's limit of 1 chunk (75 tokens)");
        }
    }

    @Test
    void aUnetFixedTo77TokensGetsOneChunkAndNamesTheCutWords() {
        try (ImageEngine fixed = TestModels.open(TinyModelSpec.tiny().toBuilder().unetSequenceFixed(true).build())) {
            GenerationResult result = fixed.generate(request(LONG, PromptSyntax.A1111).build());
            assertThat(result.promptUsage().chunks()).isEqualTo(1);
            assertThat(result.truncatedPrompt()).endsWith("purple elephant");
            assertThat(result.promptUsage().cutBecause()).isEqualTo("this model's UNet takes only 77 tokens");
            GenerationResult shortOne = fixed.generate(request("a (fox:1.2) BREAK", PromptSyntax.A1111).build());
            assertThat(shortOne.truncated()).isFalse();
        }
    }

    @Test
    void anEditAtStepZeroIsTheNewTextAndOnePastTheEndTheOld() {
        GenerationResult dog = engine.generate(request("a dog", PromptSyntax.A1111).build());
        GenerationResult cat = engine.generate(request("a cat", PromptSyntax.A1111).build());
        assertSamePixels(engine.generate(request("a [cat:dog:0]", PromptSyntax.A1111).build()), dog);
        assertSamePixels(engine.generate(request("a [cat:dog:4]", PromptSyntax.A1111).build()), cat);
        GenerationResult halfway = engine.generate(request("a [cat:dog:0.5]", PromptSyntax.A1111).build());
        assertThat(pixels(halfway, 0)).isNotEqualTo(pixels(dog, 0)).isNotEqualTo(pixels(cat, 0));
    }

    @Test
    void aWeightThatIsNotANumberIsRefusedWhenTheRequestIsMade() {
        assertThatThrownBy(() -> request("a (fox:1.2.3)", null).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("in the prompt, the emphasis weight '1.2.3' is not a number; write it like (word:1.2)");
        assertThat(request("a (fox:1.2.3)", PromptSyntax.PLAIN).build().prompt()).isEqualTo("a (fox:1.2.3)");
    }
}
