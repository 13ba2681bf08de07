package dev.imagine.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.engine.testmodel.TinyModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Guards the performance work of issue 17: the SHA-256 of the pixels of a few generations, recorded by running the
 * pipeline as it was before that work. Any change to noise, sampler maths, guidance, tensor copies or pixel
 * conversion that moves a single bit fails here.
 */
class PixelPinsTest {

    private static final Map<SamplerKind, List<String>> SAMPLER_PINS = Map.of(
            SamplerKind.DDIM, List.of(
                    "96x64:838e98e67a593752509fa91fcd84954c7f10af8cd8363f607779ac95e806732f",
                    "96x64:1d6144e68a736ab6b47365957f88030ce7c5792a1d6e1a0f879a358a9e6350b6"),
            SamplerKind.PNDM, List.of(
                    "96x64:e89791a160f0e4a1cf8f463b02f97eb73b96e00996d707383aba05554b120e2c",
                    "96x64:18bc1495306636704ab58d16ca6d3f0f0da39e7e95b9fed67c9492a6f1550613"),
            SamplerKind.EULER, List.of(
                    "96x64:a51b569a8a7329bfd7e625e1da4cca494977a4b2582c33eebddcd5bcd7623b4e",
                    "96x64:0646a6f2038606ed725d43138f4db7c5fed9d3e2972e30e8df2bb74c274b0ec6"),
            SamplerKind.EULER_ANCESTRAL, List.of(
                    "96x64:8c7b6d4e983ebc65527e2f7244784e806093602af08470b4c794dd1e8c068484",
                    "96x64:fe3b9668affbd8f0f096761a1fc8a828dda65b21e72c949cabff7226a8554bdd"),
            SamplerKind.LMS, List.of(
                    "96x64:2d7087e16c1442ae45b8cc7fb4feedebddd38f11f8218434316aa7645263907f",
                    "96x64:3cc6afbbfaab020206f941453aea0435735c434b59606bc7797e83525ca9e4e1"),
            SamplerKind.DPMPP_2M, List.of(
                    "96x64:cfc5afb8a27db1080e5259ac32660c1d1320aeef2a0cdcc7fe090f6bd9dfa629",
                    "96x64:298f2fe44f3199beec78472efe4de7e050c95f30adfa1d6e8fe83244080b093c"),
            SamplerKind.DPMPP_2M_KARRAS, List.of(
                    "96x64:33776ee1bf4f7e38c60ed4fe112710ec8c45853e86fddc8b4c16b5df4e36dd3d",
                    "96x64:8e8e1d228d9433f58e9c2f78d2548a49997c262fa0f2cfc59e722af0afa58031"),
            SamplerKind.LCM, List.of(
                    "96x64:84905bcb7a0544dc06bec19e45ca3bf56cfd43ca0a25f0a158ed2ed5a998ea07",
                    "96x64:a4579dab5980cfb3ad2e3a1d3ee23d76dc54f46cf7f4e5aa51771300458679a4"));

    static Stream<Arguments> pinnedJobs() {
        TinyModelSpec tiny = TinyModelSpec.tiny();
        List<Arguments> jobs = new ArrayList<>();
        jobs.add(Arguments.of("cheap UNet, 512x512, 20 steps, euler-a", TinyModelSpec.cheapUnet(),
                GenerationRequest.builder("a lighthouse on a cliff at sunset, oil painting").seed(42L).steps(20)
                        .sampler(SamplerKind.EULER_ANCESTRAL).size(512, 512).build(),
                List.of("512x512:986dc5cbd9091211d46141cbe25e04e60c3ff522debdb83943d2594a5c76f12e")));
        for (SamplerKind sampler : SamplerKind.values()) {
            jobs.add(Arguments.of("tiny, two images, " + sampler.id(), tiny,
                    small().sampler(sampler).count(2).build(), SAMPLER_PINS.get(sampler)));
        }
        jobs.add(Arguments.of("fp16, euler-a", tiny.toBuilder().precision(TinyModelSpec.Precision.FP16).build(),
                small().sampler(SamplerKind.EULER_ANCESTRAL).build(),
                List.of("96x64:0441caec0ee11932eae466863e8f8b10c5a42e07fd7da88efc18e1a164f9dfba")));
        jobs.add(Arguments.of("UNet batch fixed to one, dpmpp-2m", tiny.toBuilder().unetBatchFixedToOne(true).build(),
                small().sampler(SamplerKind.DPMPP_2M).build(),
                List.of("96x64:cfc5afb8a27db1080e5259ac32660c1d1320aeef2a0cdcc7fe090f6bd9dfa629")));
        jobs.add(Arguments.of("unguided, euler", tiny, small().sampler(SamplerKind.EULER).guidance(1.0).build(),
                List.of("96x64:7448d9d23f4495ea0d4ab910dddacbdb6d0a70e48d7b372a0108fb48b0dca34b")));
        jobs.add(Arguments.of("img2img with latent parameters, euler-a",
                tiny.toBuilder().vaeEncoder(TinyModelSpec.VaeEncoder.LATENT_PARAMETERS).build(),
                small().sampler(SamplerKind.EULER_ANCESTRAL).initImage(ImageEngineTest.gradient(96, 64))
                        .strength(0.6).build(),
                List.of("96x64:4c76573e576b82d02fbe4241df19aee5178866eaf01cea598db3d59a6646d783")));
        jobs.add(Arguments.of("variation seed and hires fix, ddim", tiny,
                small().sampler(SamplerKind.DDIM).subseed(7L).subseedStrength(0.3)
                        .upscale(2.0).build(),
                List.of("192x128:414e421fd98e64218bc84d8266ff6d0342d989db052a67c8cf93cdf3fdf466f0")));
        jobs.add(Arguments.of("LCM, 4 steps", ModelFamilyTest.LCM,
                GenerationRequest.builder("a lighthouse").size(64, 64).steps(4).seed(9L).build(),
                List.of("64x64:acf5920c9a9ec7904ee1a6423acda34cab04baf123d035f5a57174d1b2c1221c")));
        return jobs.stream();
    }

    private static GenerationRequest.Builder small() {
        return GenerationRequest.builder("a lighthouse on a cliff").size(96, 64).steps(6).seed(42L);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pinnedJobs")
    void imagesStayBitIdentical(String name, TinyModelSpec spec, GenerationRequest request, List<String> expected) {
        try (ImageEngine engine = TestModels.open(spec)) {
            List<String> hashes = new ArrayList<>();
            for (GeneratedImage image : engine.generate(request).images()) {
                hashes.add(ImageEngineTest.pixelHash(image.image()));
            }
            assertThat(hashes).containsExactlyElementsOf(expected);
        }
    }
}
