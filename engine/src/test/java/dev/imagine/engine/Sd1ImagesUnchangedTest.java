package dev.imagine.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.engine.testmodel.TinyModelSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Guards issue 13's promise that SD 1.x and 2.x folders give exactly the images they gave before SDXL support: the
 * pixel hashes below were computed with the engine as it stood before that change (commit 29a441a).
 */
class Sd1ImagesUnchangedTest {
    /** PNDM, Euler, Euler a, DPM++ 2M Karras, a DDIM batch of two with a variation seed, img2img, a prompt with
     * exclamation marks, a hires upscale. */
    private static final List<String> SD1 = List.of(
            "96x64:8b3a546a65015396d3e48b956507e567987595dbb0b9ebd86bd19b3a0909e33a",
            "96x64:a32efb5ab7e5a70e119f7add4c71e9c1b29648c3408d4796ff6d5f111c3e1be1",
            "96x64:268a2e542c18a955ed93a91684e03f26d7b57efc83dd16f487c04f92c58c4bde",
            "96x64:8b2d3ab631a2f381869aa51c8c48971ee6327f158e279b8302cfe19e463ed53a",
            "96x64:0b90acd66ddcef0185f662e306d1a857e57c24a31ec0420a097d287cc648b2ae",
            "96x64:3c4926fd709b5a7673b648a055df79bf027d6548197b7c0cbe82a2ee82d6826f",
            "80x72:1522fc5347574027bc36489762a6ec043a110cbe47df7cd1612a6e875b005e9c",
            "96x64:bbcefdc09e3b481bce827a23d757464c78a5e7523f4cc060a01742ece0d31e85",
            "96x96:4294a46a6752699ac8d211d622ec6f6541a6bad3e732bd52b9b92830fb0d98d2");
    private static final List<String> SD2 = List.of(
            "96x64:2cef55e2bdfd0eb6b8e6dfb8dce9a05ad901cec022f117d956ab2da7896a734e",
            "96x64:fc855002734748727ab8e6767875f5a0988b353c1c13ca4ed3daf2d7c7c7a6af",
            "96x64:ab8a3b1438cd18f91048f8f1a03ad6efaf263265b1afb4a6ab86b87025969b16",
            "96x64:ab94810ab7e2391376d87192414c9294882d0b535789f07dd7d48109b423a23a",
            "96x64:8e4163df830b880b2fc0cca773f1e241b8edeb0a8634f8f7dcaf66796f3886da",
            "96x64:9f08474ac325b5c04e011272a85289d4e9efd63cc3242cb89f4075868c583b7c",
            "80x72:0f7ae3d8c0d49f6bb3e34a1cac1aa645f97ffe24b01375a0cee24f980507ca5e",
            "96x64:442ba85544aadc2f61d35b25a6daa92a3fcc073609fd6809174d163e20897db8",
            "96x96:9589c3fb14a0b0f8ff4af1b11cc3879ed990288a8ce74760318c6d643dcade0c");

    private static List<String> hashes(TinyModelSpec spec) {
        List<String> hashes = new ArrayList<>();
        try (ImageEngine engine = TestModels.open(spec)) {
            GenerationRequest.Builder base = GenerationRequest.builder("a lighthouse at dusk, oil painting")
                    .negativePrompt("blurry").size(96, 64).steps(5).seed(1234L);
            for (SamplerKind sampler : List.of(SamplerKind.PNDM, SamplerKind.EULER, SamplerKind.EULER_ANCESTRAL,
                    SamplerKind.DPMPP_2M_KARRAS)) {
                hashes.add(ImageEngineTest.pixelHash(engine.generate(base.sampler(sampler).build())
                        .images().get(0).image()));
            }
            GenerationResult batch = engine.generate(base.sampler(SamplerKind.DDIM).count(2).subseed(7L)
                    .subseedStrength(0.3).build());
            batch.images().forEach(image -> hashes.add(ImageEngineTest.pixelHash(image.image())));
            hashes.add(ImageEngineTest.pixelHash(engine.generate(GenerationRequest.builder("a red fox")
                    .initImage(ImageEngineTest.gradient(80, 72)).strength(0.6).steps(6).seed(99L).build())
                    .images().get(0).image()));
            hashes.add(ImageEngineTest.pixelHash(engine.generate(base.prompt("wow!! a lighthouse! at dusk")
                    .count(1).subseed(null).subseedStrength(null).build()).images().get(0).image()));
            hashes.add(ImageEngineTest.pixelHash(engine.generate(GenerationRequest.builder("a red fox")
                    .size(64, 64).steps(3).seed(5L).upscale(1.5).build()).images().get(0).image()));
        }
        return hashes;
    }

    @Test
    void sd1FolderGivesTheSameImagesAsBefore() {
        assertThat(hashes(TinyModelSpec.tiny())).containsExactlyElementsOf(SD1);
    }

    @Test
    void sd2FolderGivesTheSameImagesAsBefore() {
        assertThat(hashes(TinyModelSpec.tiny().toBuilder().hiddenSize(64)
                .padToken(TinyModelSpec.PadToken.EXCLAMATION).build())).containsExactlyElementsOf(SD2);
    }
}
