package dev.imagine.config;

/**
 * The engine and its model (key {@code engine}).
 *
 * @param model a model folder (relative to the working directory) or the name of a model pulled into
 *     {@code models.dir}; required (key {@code engine.model})
 * @param device {@code cpu}, {@code auto} or {@code cuda:N}; {@code cuda} in the file reads as {@code cuda:0} (key
 *     {@code engine.device}, default {@code auto}: CUDA when usable, else the CPU)
 * @param threads CPU threads per operator, 0 (ONNX Runtime chooses) to {@value #MAX_THREADS} (key
 *     {@code engine.threads}, default 0)
 * @param maxSide the largest width or height a user may ask for, a multiple of 8 from {@value #MIN_SIDE} to
 *     {@value #MAX_SIDE} (key {@code engine.max-side}, default {@value #DEFAULT_MAX_SIDE})
 * @param inputImage limits on pictures users send (key {@code engine.input-image})
 * @param cuda settings for a GPU (key {@code engine.cuda})
 * @param promptSyntax how prompts are read when a request names no syntax: {@code a1111} or {@code plain} (key
 *     {@code engine.prompt-syntax}, default {@code a1111})
 * @param maxPromptChunks the most 75-token chunks an A1111-syntax prompt may use, 1 to {@value #MAX_PROMPT_CHUNKS};
 *     words past them are cut and reported (key {@code engine.max-prompt-chunks}, default
 *     {@value #DEFAULT_PROMPT_CHUNKS}, 600 tokens)
 */
public record EngineSettings(String model, String device, int threads, int maxSide, InputImageSettings inputImage,
        CudaSettings cuda, String promptSyntax, int maxPromptChunks) {

    /** Largest {@code threads}. */
    public static final int MAX_THREADS = 1024;
    /** Smallest {@code max-side}. */
    public static final int MIN_SIDE = 64;
    /** Largest {@code max-side}, the engine's own limit. */
    public static final int MAX_SIDE = 2048;
    /** Default {@code max-side}. */
    public static final int DEFAULT_MAX_SIDE = 1024;
    /** Default {@code max-prompt-chunks}. */
    public static final int DEFAULT_PROMPT_CHUNKS = 8;
    /** Largest {@code max-prompt-chunks}. */
    public static final int MAX_PROMPT_CHUNKS = 64;
    /** The values of {@code prompt-syntax}. */
    public static final java.util.List<String> PROMPT_SYNTAXES = java.util.List.of("a1111", "plain");
    /** What {@code prompt-syntax} allows, for messages. */
    static final String PROMPT_SYNTAX_ALLOWED = "use a1111 or plain";
    /** Longest {@code model}, in characters. */
    public static final int MAX_MODEL_CHARS = 1024;

    /** What {@code model} allows, for messages. */
    static final String MODEL_ALLOWED = "set it to a model folder or the name of a pulled model";
    /** What {@code max-side} allows, for messages. */
    static final String MAX_SIDE_ALLOWED = "use a multiple of 8 from " + MIN_SIDE + " to " + MAX_SIDE;

    /** Checks every value and normalizes the device. */
    public EngineSettings {
        String givenModel = model;
        model = Rules.at("engine.model", () -> checkModel(givenModel));
        String givenDevice = device;
        device = Rules.at("engine.device", () -> Rules.device(givenDevice));
        Rules.between("engine.threads", threads, 0, MAX_THREADS);
        if (maxSide < MIN_SIDE || maxSide > MAX_SIDE || maxSide % 8 != 0) {
            throw new IllegalArgumentException("engine.max-side: " + Rules.notAllowed(Integer.toString(maxSide), MAX_SIDE_ALLOWED));
        }
        Rules.present("engine.input-image", inputImage);
        Rules.present("engine.cuda", cuda);
        if (promptSyntax == null || !PROMPT_SYNTAXES.contains(promptSyntax)) {
            throw new IllegalArgumentException("engine.prompt-syntax: " + Rules.notAllowed(String.valueOf(promptSyntax),
                    PROMPT_SYNTAX_ALLOWED));
        }
        Rules.between("engine.max-prompt-chunks", maxPromptChunks, 1, MAX_PROMPT_CHUNKS);
    }

    /** Settings with the default prompt syntax and chunk limit. */
    public EngineSettings(String model, String device, int threads, int maxSide, InputImageSettings inputImage,
            CudaSettings cuda) {
        this(model, device, threads, maxSide, inputImage, cuda, PROMPT_SYNTAXES.get(0), DEFAULT_PROMPT_CHUNKS);
    }

    static String checkModel(String model) {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("missing; " + MODEL_ALLOWED);
        }
        if (model.length() > MAX_MODEL_CHARS || model.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(Rules.notAllowed(Rules.show(model), MODEL_ALLOWED
                    + ", at most " + MAX_MODEL_CHARS + " characters and no control characters"));
        }
        return model.strip();
    }
}
