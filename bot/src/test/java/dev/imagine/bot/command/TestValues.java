package dev.imagine.bot.command;

import dev.imagine.engine.RequestValues;
import dev.imagine.engine.SamplerKind;

/** Saved defaults for tests, in the order /settings lists them. */
final class TestValues {
    private TestValues() {
    }

    static RequestValues defaults(String sampler, Integer steps, Integer width, Integer height, String negative) {
        return RequestValues.NONE.with("sampler", sampler == null ? null : SamplerKind.parse(sampler))
                .with("steps", steps).with("width", width).with("height", height).with("negativePrompt", negative);
    }
}
