package dev.imagine.engine.testmodel;

import dev.imagine.engine.testmodel.TinyModelSpec.ExternalWeights;
import dev.imagine.engine.testmodel.TinyModelSpec.IdsType;
import dev.imagine.engine.testmodel.TinyModelSpec.Precision;
import dev.imagine.engine.testmodel.TinyModelSpec.Timestep;
import dev.imagine.engine.testmodel.TinyModelSpec.VaeEncoder;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** The export variants every contract test runs against. */
final class Variants {

    private Variants() {
    }

    static Stream<Arguments> all() {
        TinyModelSpec tiny = TinyModelSpec.tiny();
        return Stream.of(
                Arguments.of("tiny defaults", tiny),
                Arguments.of("int64 ids", tiny.toBuilder().idsType(IdsType.INT64).build()),
                Arguments.of("timestep float32 [1]", tiny.toBuilder().timestep(Timestep.FLOAT32_1).build()),
                Arguments.of("timestep int64 [batch]", tiny.toBuilder().timestep(Timestep.INT64_BATCH).build()),
                Arguments.of("timestep float32 scalar", tiny.toBuilder().timestep(Timestep.FLOAT32_SCALAR).build()),
                Arguments.of("timestep float16 [1]", tiny.toBuilder().timestep(Timestep.FLOAT16_1).build()),
                Arguments.of("fp16", tiny.toBuilder().precision(Precision.FP16).build()),
                Arguments.of("fp16 int64 timestep", tiny.toBuilder().precision(Precision.FP16)
                        .timestep(Timestep.INT64_BATCH).idsType(IdsType.INT64).build()),
                Arguments.of("weights.pb", tiny.toBuilder().externalWeights(ExternalWeights.WEIGHTS_PB).build()),
                Arguments.of("model.onnx_data", tiny.toBuilder().externalWeights(ExternalWeights.ONNX_DATA).build()),
                Arguments.of("unet batch fixed to 1", tiny.toBuilder().unetBatchFixedToOne(true).build()),
                Arguments.of("text encoder batch fixed to 1", tiny.toBuilder().textEncoderBatchFixedToOne(true).build()),
                Arguments.of("no vae encoder", tiny.toBuilder().vaeEncoder(VaeEncoder.NONE).build()),
                Arguments.of("vae latent_parameters", tiny.toBuilder().vaeEncoder(VaeEncoder.LATENT_PARAMETERS).build()),
                Arguments.of("smooth decoder, 3 layers", tiny.toBuilder().smoothDecoder(true).unetLayers(3).build()),
                Arguments.of("sdxl, current optimum export", TinyModelSpec.sdxl()),
                Arguments.of("sdxl, older optimum export (int32 ids, int64 timestep), fp16",
                        TinyModelSpec.sdxl().toBuilder().idsType(IdsType.INT32).timestep(Timestep.INT64_BATCH)
                                .precision(Precision.FP16).build()));
    }
}
