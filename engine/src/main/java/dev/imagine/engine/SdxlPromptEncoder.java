package dev.imagine.engine;

import dev.imagine.engine.onnx.InferenceException;
import dev.imagine.engine.onnx.TextEncoder;
import dev.imagine.engine.text.ClipTokenizer;
import dev.imagine.engine.text.TokenizedPrompt;
import java.util.List;

/**
 * SDXL prompt encoding, as diffusers' {@code StableDiffusionXLPipeline.encode_prompt}: the prompt goes through both
 * tokenizers and encoders; each encoder's penultimate hidden state ({@code hidden_states[-2]}) is taken and the two
 * are concatenated on the last axis, per token (768 + 1280 = 2048 wide for the real models); the pooled embedding is
 * {@code text_encoder_2}'s {@code text_embeds}. With guidance, an empty negative prompt on a model whose
 * {@code force_zeros_for_empty_prompt} is true (SDXL base) is all zeros, states and pooled alike; otherwise the
 * negative prompt is encoded like the prompt.
 */
final class SdxlPromptEncoder implements PromptEncoder {
    private final ClipTokenizer tokenizer;
    private final TextEncoder textEncoder;
    private final ClipTokenizer tokenizer2;
    private final TextEncoder textEncoder2;
    private final boolean forceZerosForEmptyPrompt;

    SdxlPromptEncoder(ClipTokenizer tokenizer, TextEncoder textEncoder, ClipTokenizer tokenizer2,
            TextEncoder textEncoder2, boolean forceZerosForEmptyPrompt) {
        this.tokenizer = tokenizer;
        this.textEncoder = textEncoder;
        this.tokenizer2 = tokenizer2;
        this.textEncoder2 = textEncoder2;
        this.forceZerosForEmptyPrompt = forceZerosForEmptyPrompt;
    }

    @Override
    public EncodedPrompts encode(String prompt, String negativePrompt, boolean guided) throws InferenceException {
        boolean zeros = guided && negativePrompt.isEmpty() && forceZerosForEmptyPrompt;
        boolean encodeNegative = guided && !zeros;
        TokenizedPrompt cond = tokenizer.encode(prompt);
        TokenizedPrompt cond2 = tokenizer2.encode(prompt);
        TokenizedPrompt uncond = encodeNegative ? tokenizer.encode(negativePrompt) : null;
        TokenizedPrompt uncond2 = encodeNegative ? tokenizer2.encode(negativePrompt) : null;
        List<float[]> first = textEncoder.encode(encodeNegative ? List.of(uncond.ids(), cond.ids())
                : List.of(cond.ids()));
        List<TextEncoder.Encoded> second = textEncoder2.encodeWithPooled(encodeNegative
                ? List.of(uncond2.ids(), cond2.ids()) : List.of(cond2.ids()));
        int c = encodeNegative ? 1 : 0;
        Conditioning condition = new Conditioning(concatenate(first.get(c), second.get(c).states(),
                textEncoder.sequenceLength()), second.get(c).pooled());
        Conditioning negative = null;
        if (zeros) {
            negative = condition.zeros();
        } else if (encodeNegative) {
            negative = new Conditioning(concatenate(first.get(0), second.get(0).states(),
                    textEncoder.sequenceLength()), second.get(0).pooled());
        }
        return new EncodedPrompts(condition, negative, cond.droppedText(), uncond == null ? "" : uncond.droppedText());
    }

    private static float[] concatenate(float[] first, float[] second, int tokens) {
        return PromptConditioning.concatenate(first, second, tokens);
    }

    /**
     * Both encoders, each with its own tokenizer (the second pads with its own pad token, as A1111's OpenCLIP reader
     * does); the second gives the pooled embedding.
     */
    @Override
    public List<PromptConditioning.Lane> lanes() {
        return List.of(PromptConditioning.Lane.of(tokenizer, textEncoder::encode),
                new PromptConditioning.Lane(tokenizer2, textEncoder2::encodeWithPooled));
    }

    @Override
    public boolean zerosForEmptyNegative() {
        return forceZerosForEmptyPrompt;
    }

    @Override
    public int declaredWidth() {
        int first = textEncoder.declaredHiddenSize();
        int second = textEncoder2.declaredHiddenSize();
        return first > 0 && second > 0 ? first + second : -1;
    }

    @Override
    public void close() {
        try {
            textEncoder.close();
        } finally {
            textEncoder2.close();
        }
    }
}
