package dev.imagine.engine;

import dev.imagine.engine.onnx.InferenceException;
import dev.imagine.engine.onnx.TextEncoder;
import dev.imagine.engine.text.ClipTokenizer;
import dev.imagine.engine.text.TokenizedPrompt;
import java.util.List;

/**
 * SD 1.x/2.x prompt encoding, as diffusers' {@code StableDiffusionPipeline.encode_prompt}: one tokenizer, the text
 * encoder's {@code last_hidden_state}, the negative prompt (empty when none) encoded the same way.
 */
final class ClipPromptEncoder implements PromptEncoder {
    private final ClipTokenizer tokenizer;
    private final TextEncoder textEncoder;

    ClipPromptEncoder(ClipTokenizer tokenizer, TextEncoder textEncoder) {
        this.tokenizer = tokenizer;
        this.textEncoder = textEncoder;
    }

    @Override
    public EncodedPrompts encode(String prompt, String negativePrompt, boolean guided) throws InferenceException {
        TokenizedPrompt cond = tokenizer.encode(prompt);
        TokenizedPrompt uncond = guided ? tokenizer.encode(negativePrompt) : null;
        List<float[]> states = textEncoder.encode(guided ? List.of(uncond.ids(), cond.ids()) : List.of(cond.ids()));
        return new EncodedPrompts(new Conditioning(states.get(guided ? 1 : 0), null),
                guided ? new Conditioning(states.get(0), null) : null, cond.droppedText(),
                guided ? uncond.droppedText() : "");
    }

    @Override
    public List<PromptConditioning.Lane> lanes() {
        return List.of(PromptConditioning.Lane.of(tokenizer, textEncoder::encode));
    }

    @Override
    public int declaredWidth() {
        return textEncoder.declaredHiddenSize();
    }

    @Override
    public void close() {
        textEncoder.close();
    }
}
