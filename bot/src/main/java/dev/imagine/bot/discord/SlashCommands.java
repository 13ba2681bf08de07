package dev.imagine.bot.discord;

import dev.imagine.bot.command.AspectRatio;
import dev.imagine.bot.command.CommandLimits;
import dev.imagine.bot.command.PromptOptions;
import dev.imagine.engine.GenerationRequest;
import dev.imagine.engine.SamplerKind;
import dev.imagine.engine.video.VideoEncoding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import net.dv8tion.jda.api.interactions.InteractionContextType;
import net.dv8tion.jda.api.interactions.commands.OptionMapping;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.Commands;
import net.dv8tion.jda.api.interactions.commands.build.OptionData;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;

/**
 * The slash commands imagine registers, and the reading of {@code /imagine}'s typed options into
 * {@link PromptOptions}. Ranges are also given to Discord, so its client refuses most bad values before they are
 * sent; the command core checks them again.
 */
final class SlashCommands {
    /** {@code /imagine}'s aspect ratio choices. */
    static final List<String> ASPECTS = List.of("1:1", "2:3", "3:2", "16:9", "9:16");

    static final String IMAGINE = "imagine";
    static final String ANIMATE = "animate";
    static final String HISTORY = "history";
    static final String RERUN = "rerun";
    static final String SEED = "seed";
    static final String QUEUE = "queue";
    static final String CANCEL = "cancel";
    static final String SETTINGS = "settings";
    static final String HELP = "help";

    static final String PROMPT = "prompt";
    static final String IMAGE = "image";
    static final String ID = "id";
    static final String CHANGE = "change";
    static final String TO = "to";
    static final String TO_SEED = "to-seed";

    private SlashCommands() {
    }

    /**
     * Every command.
     *
     * @param global whether they are registered globally, where they are offered in direct messages too; server
     *     commands exist only in their server
     */
    static List<SlashCommandData> all(CommandLimits limits, boolean global) {
        List<SlashCommandData> commands = new ArrayList<>();
        commands.add(Commands.slash(IMAGINE, "Make pictures from a prompt; --flags in the prompt work too")
                .addOptions(imagineOptions(limits)));
        commands.add(Commands.slash(ANIMATE, "A looping video from one prompt and seed to another; --flags work too")
                .addOptions(animateOptions(limits)));
        commands.add(Commands.slash(HISTORY, "Your last 10 pictures (only you see them)"));
        commands.add(Commands.slash(RERUN, "Run a generation again: the same seed makes the same picture")
                .addOptions(new OptionData(OptionType.INTEGER, ID, "The generation's number, from /history", true)
                                .setMinValue(1),
                        new OptionData(OptionType.INTEGER, SEED, "Another seed")
                                .setRequiredRange(0, GenerationRequest.MAX_SEED)));
        commands.add(Commands.slash(SEED, "Every parameter of a generation")
                .addOptions(new OptionData(OptionType.INTEGER, ID, "The generation's number, from /history", true)
                        .setMinValue(1)));
        commands.add(Commands.slash(QUEUE, "Where your jobs are in the queue"));
        commands.add(Commands.slash(CANCEL, "Cancel your queued or running jobs, or one of them")
                .addOptions(new OptionData(OptionType.INTEGER, ID, "Only this generation").setMinValue(1)));
        commands.add(Commands.slash(SETTINGS, "Show or change your defaults")
                .addOptions(new OptionData(OptionType.STRING, CHANGE,
                        "Such as: sampler euler-a steps 30 size 768x512 negative \"text\"; or reset")
                        .setMaxLength(1000)));
        commands.add(Commands.slash(HELP, "Commands, flags and buttons"));
        if (global) {
            commands.forEach(command -> command.setContexts(InteractionContextType.GUILD,
                    InteractionContextType.BOT_DM));
        }
        return commands;
    }

    private static List<OptionData> imagineOptions(CommandLimits limits) {
        OptionData sampler = new OptionData(OptionType.STRING, "sampler", "The sampler");
        for (SamplerKind kind : SamplerKind.values()) {
            sampler.addChoice(kind.displayName(), kind.id());
        }
        OptionData aspect = new OptionData(OptionType.STRING, "aspect", "Width to height; keeps the default area");
        ASPECTS.forEach(ratio -> aspect.addChoice(ratio, ratio));
        return List.of(
                new OptionData(OptionType.STRING, PROMPT, "What to draw; may end in flags such as --ar 16:9", true)
                        .setMaxLength(GenerationRequest.MAX_PROMPT_CHARS),
                new OptionData(OptionType.STRING, "negative", "What to avoid")
                        .setMaxLength(GenerationRequest.MAX_PROMPT_CHARS),
                new OptionData(OptionType.INTEGER, "seed", "The same seed makes the same picture")
                        .setRequiredRange(0, GenerationRequest.MAX_SEED),
                new OptionData(OptionType.INTEGER, "steps", "Denoising steps")
                        .setRequiredRange(1, GenerationRequest.MAX_STEPS),
                new OptionData(OptionType.NUMBER, "guidance", "How closely to follow the prompt (CFG)")
                        .setRequiredRange(0.0, GenerationRequest.MAX_GUIDANCE),
                sampler,
                new OptionData(OptionType.INTEGER, "width", "Pixels, a multiple of 8")
                        .setRequiredRange(GenerationRequest.MIN_SIDE, limits.maxSide()),
                new OptionData(OptionType.INTEGER, "height", "Pixels, a multiple of 8")
                        .setRequiredRange(GenerationRequest.MIN_SIDE, limits.maxSide()),
                aspect,
                new OptionData(OptionType.INTEGER, "count", "How many pictures")
                        .setRequiredRange(1, limits.maxCount()),
                new OptionData(OptionType.ATTACHMENT, IMAGE, "A PNG, JPEG or WebP picture to start from"),
                new OptionData(OptionType.NUMBER, "strength", "How much to change the picture, 0 to 1")
                        .setRequiredRange(0.0, 1.0));
    }

    private static List<OptionData> animateOptions(CommandLimits limits) {
        return List.of(
                new OptionData(OptionType.STRING, PROMPT, "The first keyframe; may hold -> and more keyframes, and "
                        + "end in flags such as --steps 20", true).setMaxLength(GenerationRequest.MAX_PROMPT_CHARS),
                new OptionData(OptionType.STRING, TO, "The prompt to travel to")
                        .setMaxLength(GenerationRequest.MAX_PROMPT_CHARS),
                new OptionData(OptionType.INTEGER, "frames", "Frames from one keyframe to the next")
                        .setRequiredRange(2, limits.maxFrames()),
                new OptionData(OptionType.INTEGER, SEED, "The first keyframe's seed")
                        .setRequiredRange(0, GenerationRequest.MAX_SEED),
                new OptionData(OptionType.INTEGER, TO_SEED, "The next keyframe's seed")
                        .setRequiredRange(0, GenerationRequest.MAX_SEED),
                new OptionData(OptionType.INTEGER, "fps", "Frames per second")
                        .setRequiredRange(VideoEncoding.MIN_FPS, VideoEncoding.MAX_FPS));
    }

    /**
     * {@code /animate}'s typed options (all but the keyframes' prompts), named as the command core reads them.
     *
     * @throws BadOption naming the option and what it takes
     */
    static PromptOptions animateOptions(Options options) throws BadOption {
        PromptOptions.Builder typed = PromptOptions.builder();
        typed.set("seed", whole(options, SEED));
        typed.animation("framesPerSegment", integer(options, "frames"));
        typed.animation("fps", integer(options, "fps"));
        typed.animation("toSeed1", whole(options, TO_SEED));
        return typed.build();
    }

    /** Reads a value of a typed option the user gave; a value Discord should have refused ends as this. */
    static final class BadOption extends Exception {
        private static final long serialVersionUID = 1L;

        BadOption(String message) {
            super(message);
        }
    }

    /** Looks up an option of the interaction by name; null when the user left it out. */
    @FunctionalInterface
    interface Options {
        OptionMapping get(String name);
    }

    /**
     * {@code /imagine}'s typed options (all but the prompt and the picture).
     *
     * @throws BadOption naming the option and what it takes
     */
    static PromptOptions promptOptions(Options options) throws BadOption {
        PromptOptions.Builder typed = PromptOptions.builder();
        typed.set("negativePrompt", string(options, "negative"));
        typed.set("seed", whole(options, "seed"));
        typed.set("steps", integer(options, "steps"));
        typed.set("guidance", number(options, "guidance"));
        typed.set("width", integer(options, "width"));
        typed.set("height", integer(options, "height"));
        typed.set("count", integer(options, "count"));
        typed.set("strength", number(options, "strength"));
        String sampler = string(options, "sampler");
        if (sampler != null) {
            try {
                typed.set("sampler", SamplerKind.parse(sampler));
            } catch (IllegalArgumentException e) {
                throw new BadOption("The sampler must be one of " + Arrays.stream(SamplerKind.values())
                        .map(SamplerKind::id).collect(Collectors.joining(", ")) + ".");
            }
        }
        String aspect = string(options, "aspect");
        if (aspect != null) {
            typed.aspect(AspectRatio.parse(aspect).orElseThrow(() -> new BadOption(
                    "The aspect ratio must look like 16:9; choose one of " + String.join(", ", ASPECTS) + ".")));
        }
        return typed.build();
    }

    static String string(Options options, String name) throws BadOption {
        OptionMapping option = options.get(name);
        if (option == null) {
            return null;
        }
        if (option.getType() != OptionType.STRING) {
            throw new BadOption("The option " + name + " takes text.");
        }
        return option.getAsString();
    }

    static Long whole(Options options, String name) throws BadOption {
        OptionMapping option = options.get(name);
        if (option == null) {
            return null;
        }
        try {
            return option.getAsLong();
        } catch (RuntimeException e) {
            throw new BadOption("The option " + name + " takes a whole number.");
        }
    }

    private static Integer integer(Options options, String name) throws BadOption {
        Long value = whole(options, name);
        if (value == null) {
            return null;
        }
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new BadOption("The option " + name + " is far too large.");
        }
        return value.intValue();
    }

    private static Double number(Options options, String name) throws BadOption {
        OptionMapping option = options.get(name);
        if (option == null) {
            return null;
        }
        try {
            double value = option.getAsDouble();
            if (!Double.isFinite(value)) {
                throw new NumberFormatException();
            }
            return value;
        } catch (RuntimeException e) {
            throw new BadOption("The option " + name + " takes a number, such as 0.6.");
        }
    }
}
