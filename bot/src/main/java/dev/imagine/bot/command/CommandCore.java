package dev.imagine.bot.command;

import dev.imagine.bot.dispatch.Dispatcher;
import dev.imagine.bot.dispatch.JobSpec;
import dev.imagine.bot.dispatch.SubmitResult;
import dev.imagine.bot.stored.StoredJobs;
import dev.imagine.engine.GenerationRequest;
import dev.imagine.engine.RequestValues;
import dev.imagine.storage.DamagedImageException;
import dev.imagine.storage.Generation;
import dev.imagine.storage.GenerationStatus;
import dev.imagine.storage.RerunSpec;
import dev.imagine.storage.Storage;
import dev.imagine.storage.StoredImage;
import dev.imagine.storage.User;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the chat adapters share: every command, prompt and button press goes in here as plain values and comes out as
 * a {@link Reply}. A prompt is parsed ({@code --flags}), merged with typed options and stored settings, checked, and
 * submitted to the {@link Dispatcher}; buttons ({@link ButtonId}) rebuild their job from {@link Storage}, so they work
 * after a restart. The job's later events reach the adapter through its {@link dev.imagine.bot.dispatch.JobSink};
 * {@link Messages} words them.
 *
 * <p>Never throws at an adapter: a refused request, a storage failure or a bug all come back as
 * {@link Reply.Refused} with a sentence for the user (failures are logged). Calls may block on storage for a few
 * milliseconds; Discord adapters defer first. Thread-safe. The caller owns the dispatcher and the storage; this
 * object closes neither.
 *
 * <p>Who may do what: anyone may use the buttons on a message they see (the new job is theirs); Delete and Cancel
 * need the generation's requester or a manager of the chat it was posted in; {@code /seed} and {@code /rerun}
 * by id need the requester or the chat the generation was posted in. The chat is compared through the stored
 * generation's {@code channelId}, which the dispatcher's journal takes from {@code ChatTarget.chatId()}.
 */
public final class CommandCore {
    /** How many generations {@code /history} shows. */
    public static final int HISTORY_SIZE = 10;

    private static final Logger LOG = LoggerFactory.getLogger(CommandCore.class);
    private static final Pattern COMMAND = Pattern.compile("/([A-Za-z_]{1,32})(?:@\\S*)?(?:\\s+(.*))?",
            Pattern.DOTALL);
    private static final Pattern ID = Pattern.compile("#?([1-9][0-9]{0,17})");
    private static final Pattern SEED = Pattern.compile("(?:(?:--|\u2014)?seed\\s*)?([0-9]{1,10})",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern ARROW = Pattern.compile("\\s*(?:->|\u2192|\u2014>)\\s*");
    private static final List<String> COMMANDS = List.of("imagine", "animate", "history", "rerun", "seed", "queue",
            "cancel", "settings", "help", "start");

    private final Dispatcher dispatcher;
    private final Storage storage;
    private final CommandLimits limits;
    private final RequestFactory factory;
    private final SafetyPolicy safety;

    /** A core over a dispatcher and a storage that the caller owns, with no safety policy ({@link SafetyPolicy#NONE}). */
    public CommandCore(Dispatcher dispatcher, Storage storage, CommandLimits limits) {
        this(dispatcher, storage, limits, SafetyPolicy.NONE);
    }

    /**
     * A core over a dispatcher and a storage that the caller owns, refusing prompts with blocked words before they are
     * queued and handing out flagged pictures' files as {@code safety} says.
     */
    public CommandCore(Dispatcher dispatcher, Storage storage, CommandLimits limits, SafetyPolicy safety) {
        this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
        this.storage = Objects.requireNonNull(storage, "storage");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.factory = new RequestFactory(limits);
        this.safety = Objects.requireNonNull(safety, "safety");
    }

    /** The safety policy this core applies; adapters render flagged pictures by it. */
    public SafetyPolicy safety() {
        return safety;
    }

    /** The limits this core applies. */
    public CommandLimits limits() {
        return limits;
    }

    /** {@link #handleText(Caller, String, InitImage)} without a picture. */
    public Reply handleText(Caller caller, String text) {
        return handleText(caller, text, null);
    }

    /**
     * A message as typed: {@code /imagine}, {@code /start}, {@code /help}, {@code /history}, {@code /rerun <id>
     * [seed]}, {@code /seed <id>}, {@code /queue}, {@code /cancel [id]} or {@code /settings ...} (an
     * {@code @botname} after the command is ignored: the adapter checks it names this bot), or else a prompt. The
     * adapter decides which messages to pass (Telegram: all in private chats, commands and replies to the bot in
     * groups).
     *
     * @param image a picture sent with the message (its caption is {@code text}), or {@code null}
     */
    public Reply handleText(Caller caller, String text, InitImage image) {
        return guard(() -> route(caller, text == null ? "" : text.strip(), image));
    }

    private Reply route(Caller caller, String text, InitImage image) {
        Matcher m = COMMAND.matcher(text);
        if (!m.matches()) {
            if (text.isEmpty()) {
                throw new CommandException(image != null ? captionNeeded()
                        : "Send a prompt, such as: a red fox in the snow --ar 16:9. /help lists the commands.");
            }
            return imagine(caller, text, PromptOptions.NONE, image);
        }
        String command = m.group(1).toLowerCase(Locale.ROOT);
        String args = m.group(2) == null ? "" : m.group(2).strip();
        if (image != null && !command.equals("imagine")) {
            if (command.equals("animate")) {
                throw new CommandException("An animation starts from prompts, not a picture: send /animate a red fox "
                        + "-> a blue whale without a picture.");
            }
            throw new CommandException("A picture goes with a prompt: send it with a caption such as "
                    + "\"oil painting --strength 0.6\".");
        }
        switch (command) {
            case "imagine":
                if (args.isEmpty()) {
                    throw new CommandException(image != null ? captionNeeded()
                            : "Write the prompt after /imagine, such as /imagine a red fox in the snow --ar 16:9.");
                }
                return imagine(caller, args, PromptOptions.NONE, image);
            case "animate":
                return animate(caller, args, PromptOptions.NONE);
            case "start":
                return new Reply.Text("Hi! Send a prompt and I will draw it.\n" + Messages.help(limits));
            case "help":
                return help();
            case "history":
                return history(caller);
            case "rerun":
                return rerunCommand(caller, args);
            case "seed":
                return seed(caller, id(args, "/seed 123"));
            case "queue":
                return queue(caller);
            case "cancel":
                return cancel(caller, args.isEmpty() ? null : id(args, "/cancel 123"));
            case "settings":
                return settings(caller, args);
            default:
                String closest = Texts.closest(command, COMMANDS);
                throw new CommandException("Unknown command /" + Texts.cut(command, 32)
                        + (closest == null ? "" : "; did you mean /" + closest + "?") + " /help lists the commands.");
        }
    }

    private static String captionNeeded() {
        return "Send the picture again with a caption that says what to make of it, such as "
                + "\"oil painting --strength 0.6\".";
    }

    private Reply rerunCommand(Caller caller, String args) {
        String[] words = args.split("\\s+", 2);
        long id = id(words[0], "/rerun 123");
        Long seed = null;
        if (words.length > 1) {
            Matcher m = SEED.matcher(words[1].strip());
            if (!m.matches()) {
                throw new CommandException("After the generation's number comes an optional seed, a whole number "
                        + "from 0 to " + GenerationRequest.MAX_SEED + ", such as /rerun " + id + " 42.");
            }
            seed = Long.parseLong(m.group(1));
        }
        return rerun(caller, id, seed);
    }

    private static long id(String text, String example) {
        Matcher m = ID.matcher(text.strip());
        if (!m.matches()) {
            throw new CommandException("Give the generation's number, such as " + example + "; /history lists yours.");
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * {@code /imagine}: parses the prompt's flags, merges (first wins) the typed options, the flags, the user's
     * settings and the chat's settings, checks everything, and queues the job.
     *
     * @param prompt the prompt with any {@code --flags}
     * @param typed options the platform delivered as typed fields (Discord's slash-command options); they win over
     *     the prompt's flags; {@code null} for none
     * @param image the picture for img2img, or {@code null}; its declared and actual size are checked before it is
     *     decoded, and its width and height before its pixels are
     * @return {@link Reply.Queued}, or {@link Reply.Refused} saying what to change (unknown or malformed flag, bad
     *     picture, too large, rate limit, full queue)
     */
    public Reply imagine(Caller caller, String prompt, PromptOptions typed, InitImage image) {
        return guard(() -> {
            ParsedPrompt parsed = PromptParser.parse(prompt);
            if (!parsed.options().animation().isEmpty() || typed != null && !typed.animation().isEmpty()) {
                throw new CommandException("--frames, --fps, --to-seed, --ease and --loop are for /animate, such as "
                        + "/animate a red fox -> a blue whale --frames 16.");
            }
            if (onlyInvisible(parsed.prompt())) {
                throw new CommandException("The prompt has only invisible characters (control characters or "
                        + "direction marks); write what to draw, such as: a red fox in the snow.");
            }
            JobSpec spec = factory.create(parsed, typed == null ? PromptOptions.NONE : typed, userSettings(caller),
                    channelSettings(caller), image);
            return submit(caller, spec);
        });
    }

    /**
     * {@code /animate}: keyframe prompts separated by {@code ->} (or an arrow), then the flags {@code /imagine}
     * takes plus {@code --frames}, {@code --fps}, {@code --to-seed}, {@code --ease} and {@code --loop}; settings are
     * merged as for {@code /imagine}. Refused before queueing: no second keyframe, over {@code limits.max-frames}
     * frames, and (in the dispatcher) more frames than the user's rate limit holds, each frame counting as one image.
     *
     * @param text such as {@code a red fox -> a blue whale --frames 16 --seed 1 --to-seed 2}
     * @param typed options the platform delivered as typed fields; they win over the flags; {@code null} for none
     */
    public Reply animate(Caller caller, String text, PromptOptions typed) {
        return animate(caller, text, List.of(), typed);
    }

    /**
     * {@link #animate(Caller, String, PromptOptions)} with more keyframes typed apart from the text (Discord's
     * {@code to} option): they come after the text's keyframes.
     */
    public Reply animate(Caller caller, String text, List<String> more, PromptOptions typed) {
        return guard(() -> {
            if (text == null || text.isBlank()) {
                throw new CommandException("Write the keyframes after /animate, such as /animate a red fox -> a blue "
                        + "whale --frames 16.");
            }
            ParsedPrompt parsed = PromptParser.parse(text);
            List<String> keyframes = new ArrayList<>();
            for (String keyframe : ARROW.split(parsed.prompt(), -1)) {
                if (keyframe.isBlank() || onlyInvisible(keyframe)) {
                    throw new CommandException("Every keyframe needs a prompt: write /animate a red fox -> a blue "
                            + "whale, with text on both sides of each ->.");
                }
                keyframes.add(keyframe.strip());
            }
            for (String keyframe : more) {
                if (keyframe != null && !keyframe.isBlank()) {
                    keyframes.add(Texts.normalizeSpace(keyframe));
                }
            }
            return submit(caller, factory.animate(keyframes, parsed.options(), typed == null ? PromptOptions.NONE
                    : typed, userSettings(caller), channelSettings(caller)));
        });
    }

    /** Whether {@code prompt} has characters but none that shows: only controls, format marks and spaces. */
    private static boolean onlyInvisible(String prompt) {
        boolean invisible = false;
        for (int i = 0; i < prompt.length(); ) {
            int cp = prompt.codePointAt(i);
            int type = Character.getType(cp);
            if (type == Character.CONTROL || type == Character.FORMAT) {
                invisible = true;
            } else if (!Character.isWhitespace(cp) && !Character.isSpaceChar(cp)) {
                return false;
            }
            i += Character.charCount(cp);
        }
        return invisible;
    }

    /**
     * Whether to refuse an upload of {@code declaredBytes} before downloading it.
     *
     * @return the sentence to answer with, or empty when the size is within the limit
     */
    public Optional<String> refuseUpload(long declaredBytes) {
        return Optional.ofNullable(factory.refuseSize(declaredBytes));
    }

    /**
     * {@code /rerun id [seed]}: the generation's parameters again, with its own seed (the identical pictures) or
     * {@code seed}; for the requester or in the chat where it was posted.
     */
    public Reply rerun(Caller caller, long generationId, Long seed) {
        return guard(() -> {
            visible(caller, generationId);
            return submit(caller, factory.rerun(rerunSpec(generationId), seed));
        });
    }

    /** {@code /history}: the caller's last {@value #HISTORY_SIZE} generations, newest first. */
    public Reply history(Caller caller) {
        return guard(() -> new Reply.Text(Messages.history(storedUser(caller)
                .map(user -> storage.generations().history(user.id(), null, HISTORY_SIZE))
                .orElse(List.of()))));
    }

    /** {@code /seed id}: every parameter of a generation; for the requester or in the chat where it was posted. */
    public Reply seed(Caller caller, long generationId) {
        return guard(() -> new Reply.Text(Messages.parameters(visible(caller, generationId))));
    }

    /** {@code /queue}: the caller's queued and running jobs with the jobs ahead of each, and the queue's length. */
    public Reply queue(Caller caller) {
        return guard(() -> {
            List<long[]> jobs = new ArrayList<>();
            for (long id : dispatcher.jobsOf(caller.requester())) {
                dispatcher.position(id).ifPresent(position -> jobs.add(new long[] {id, position}));
            }
            return new Reply.Text(Messages.queue(jobs, dispatcher.queueLength()));
        });
    }

    /**
     * {@code /cancel [id]}: without an id, every queued or running job of the caller; with one, that job, for its
     * requester or a manager of the chat it was posted in. A running job stops at its next step.
     */
    public Reply cancel(Caller caller, Long generationId) {
        return guard(() -> {
            if (generationId != null) {
                return cancelOne(caller, generationId);
            }
            List<String> cancelled = new ArrayList<>();
            for (long id : dispatcher.jobsOf(caller.requester())) {
                if (dispatcher.cancel(id, cancelReason(caller, true))) {
                    cancelled.add("#" + id);
                }
            }
            if (cancelled.isEmpty()) {
                return new Reply.Text("You have nothing queued or running.");
            }
            String list = cancelled.size() == 1 ? cancelled.get(0)
                    : String.join(", ", cancelled.subList(0, cancelled.size() - 1)) + " and "
                            + cancelled.get(cancelled.size() - 1);
            return new Reply.Text("Cancelled " + list + ".");
        });
    }

    private Reply cancelOne(Caller caller, long id) {
        Generation g = storage.generations().find(id).orElseThrow(() -> new CommandException(
                "There is no generation #" + id + "."));
        boolean own = isOwner(caller, g);
        if (!own && !(caller.manager() && postedHere(caller, g))) {
            throw new CommandException("Only the person who asked for #" + id + " or a manager of this chat can "
                    + "cancel it.");
        }
        if (!dispatcher.cancel(id, cancelReason(caller, own))) {
            throw new CommandException("#" + id + " is not queued or running any more; there is nothing to cancel.");
        }
        return new Reply.Text("Cancelled #" + id + ".");
    }

    private static String cancelReason(Caller caller, boolean own) {
        String name = caller.requester().displayName().isBlank() ? null : caller.requester().displayName();
        if (own) {
            return (name == null ? "Its requester" : name) + " cancelled it";
        }
        return (name == null ? "A manager of this chat" : name + ", a manager of this chat,") + " cancelled it";
    }

    /**
     * {@code /settings [arguments]}: without arguments shows the caller's and the chat's defaults; with
     * {@code sampler euler-a steps 30 size 768x512 negative "text, watermark"} (any of them; {@code default} clears
     * one) or {@code reset} changes the caller's. {@code channel ...} changes the chat's instead, for managers.
     */
    public Reply settings(Caller caller, String arguments) {
        return guard(() -> {
            String args = arguments == null ? "" : arguments.strip();
            if (args.isEmpty()) {
                return new Reply.Text(Messages.settings(userSettings(caller), channelSettings(caller)));
            }
            String[] words = args.split("\\s+", 2);
            if (words[0].equalsIgnoreCase("channel") || words[0].equalsIgnoreCase("chat")) {
                if (!caller.manager()) {
                    throw new CommandException("Only a manager of this chat can change its defaults.");
                }
                RequestValues updated = SettingsCommand.apply(channelSettings(caller),
                        words.length > 1 ? words[1] : "", limits.maxSide());
                storage.settings().putChannel(caller.platform(), caller.target().chatId(),
                        StoredJobs.parameters(updated));
                return new Reply.Text("Saved.\n" + Messages.settings(userSettings(caller), updated));
            }
            RequestValues updated = SettingsCommand.apply(userSettings(caller), args, limits.maxSide());
            User user = storage.users().ensure(caller.platform(), caller.requester().userId(), displayName(caller));
            storage.settings().putUser(user.id(), StoredJobs.parameters(updated));
            return new Reply.Text("Saved.\n" + Messages.settings(updated, channelSettings(caller)));
        });
    }

    /** {@code /help}: every command and flag with the ranges this server allows. */
    public Reply help() {
        return new Reply.Text(Messages.help(limits));
    }

    /**
     * A button press, by the id on the button ({@link ButtonId#encode()}): re-roll, rerun, vary, upscale queue a new
     * job for the caller; PNG answers with the file; delete and cancel check the caller's rights. An id that is not
     * ours or malformed, or a generation that is gone, is answered with a sentence saying the button is not valid:
     * answer every press with the reply's text.
     */
    public Reply press(Caller caller, String buttonId) {
        return guard(() -> {
            Optional<ButtonId> parsed = ButtonId.parse(buttonId);
            if (parsed.isEmpty()) {
                return new Reply.Refused(Messages.NOT_MY_BUTTON);
            }
            ButtonId button = parsed.get();
            long id = button.generationId();
            switch (button.action()) {
                case REROLL:
                    return submit(caller, factory.reroll(rerunSpec(id)));
                case REVERSE:
                    return submit(caller, factory.reverse(rerunSpec(id)));
                case RERUN:
                    return submit(caller, factory.rerun(rerunSpec(id), null));
                case VARY:
                    return submit(caller, factory.vary(rerunSpec(id), picture(id, button.imageIndex())));
                case UPSCALE:
                    return submit(caller, factory.upscale(rerunSpec(id), picture(id, button.imageIndex())));
                case PNG:
                    return original(caller, id, picture(id, button.imageIndex()));
                case DELETE:
                    Generation g = generation(id);
                    if (!isOwner(caller, g) && !(caller.manager() && postedHere(caller, g))) {
                        throw new CommandException("Only the person who asked for this picture or a manager of "
                                + "this chat can delete it.");
                    }
                    return new Reply.DeleteMessage(id, "Deleted #" + id + ".");
                case CANCEL:
                    generation(id);
                    return cancelOne(caller, id);
                default:
                    throw new AssertionError(button.action());
            }
        });
    }

    /** A picture's original PNG, unless the safety policy withholds it; behind a spoiler when it says so. */
    private Reply original(Caller caller, long id, StoredImage image) {
        SafetyPolicy.Treatment treatment = safety.treatment(image.nsfw(), caller.ageRestricted());
        if (treatment == SafetyPolicy.Treatment.WITHHOLD) {
            throw new CommandException(Messages.withheldFile(id, image.index()));
        }
        String name = "imagine-" + id + "-" + (image.index() + 1) + ".png";
        boolean spoiler = treatment == SafetyPolicy.Treatment.SPOILER;
        String text = "The original PNG of #" + id + ", picture " + (image.index() + 1) + ", with its parameters inside"
                + (spoiler ? ", behind a spoiler: the safety checker flagged it." : ".");
        return new Reply.Document(spoiler ? "SPOILER_" + name : name, storage.generations().imageBytes(image), text,
                spoiler);
    }

    private Reply submit(Caller caller, JobSpec spec) {
        if (storedUser(caller).map(User::blocked).orElse(false)) {
            throw new CommandException("You cannot make pictures here: the bot's operator has blocked you.");
        }
        boolean blocked = spec.animation() == null ? safety.blocks(spec.request().prompt())
                : spec.animation().keyframes().stream().anyMatch(keyframe -> safety.blocks(keyframe.prompt()));
        if (blocked) {
            throw new CommandException(Messages.BLOCKED_PROMPT);
        }
        SubmitResult result = dispatcher.submit(caller.requester(), caller.target(), spec);
        if (result instanceof SubmitResult.Accepted accepted) {
            return new Reply.Queued(accepted.id(), accepted.position(),
                    Messages.accepted(accepted.id(), accepted.position(), dispatcher.queueLength(),
                            accepted.waitingForWorker()));
        }
        SubmitResult.Rejected rejected = (SubmitResult.Rejected) result;
        return new Reply.Refused(spec.animation() != null && rejected.reason() == SubmitResult.Reason.RATE_LIMITED
                ? Messages.animationRateLimited(rejected) : Messages.rejected(rejected));
    }

    private Optional<User> storedUser(Caller caller) {
        return storage.users().find(caller.platform(), caller.requester().userId());
    }

    private static String displayName(Caller caller) {
        String name = caller.requester().displayName();
        return name.isBlank() ? null : Texts.cut(name, 256);
    }

    /** The user's saved defaults (only what /settings can set). */
    private RequestValues userSettings(Caller caller) {
        return storedUser(caller).map(user -> StoredJobs.defaults(storage.settings().user(user.id())))
                .orElse(RequestValues.NONE).only(SettingsCommand.PARAMETERS);
    }

    /** The chat's saved defaults (only what /settings can set). */
    private RequestValues channelSettings(Caller caller) {
        return StoredJobs.defaults(storage.settings().channel(caller.platform(), caller.target().chatId()))
                .only(SettingsCommand.PARAMETERS);
    }

    private boolean isOwner(Caller caller, Generation g) {
        return storedUser(caller).map(user -> user.id() == g.userId()).orElse(false);
    }

    private static boolean postedHere(Caller caller, Generation g) {
        return g.platform().equals(caller.platform())
                && caller.target().chatId().equals(g.replyTarget().channelId());
    }

    /** The generation, when the caller asked for it or it was posted in the caller's chat. */
    private Generation visible(Caller caller, long id) {
        return storage.generations().find(id).filter(g -> isOwner(caller, g) || postedHere(caller, g))
                .orElseThrow(() -> new CommandException("There is no generation #" + id + " of yours or in this "
                        + "chat; /history lists yours."));
    }

    private Generation generation(long id) {
        return storage.generations().find(id).orElseThrow(() -> gone(id));
    }

    private RerunSpec rerunSpec(long id) {
        return storage.generations().rerunSpec(id).orElseThrow(() -> gone(id));
    }

    private static CommandException gone(long id) {
        return new CommandException("This button is no longer valid: generation #" + id + " is gone.");
    }

    private StoredImage picture(long id, int index) {
        Generation g = generation(id);
        if (g.status() != GenerationStatus.DONE) {
            throw new CommandException("Generation #" + id + (g.status().isFinal()
                    ? " " + g.status().id() + ", so it has no pictures." : " is " + g.status().id()
                            + "; its pictures are not ready yet."));
        }
        return g.images().stream().filter(image -> image.index() == index).findFirst()
                .orElseThrow(() -> new CommandException("This button is no longer valid: #" + id + " has no picture "
                        + (index + 1) + "."));
    }

    private static Reply guard(Supplier<Reply> action) {
        try {
            return action.get();
        } catch (CommandException e) {
            return new Reply.Refused(e.getMessage());
        } catch (DamagedImageException e) {
            LOG.warn("A stored picture is damaged: {}", e.getMessage());
            return new Reply.Refused("A stored picture of this generation is missing or damaged, so it cannot be "
                    + "used.");
        } catch (RuntimeException e) {
            LOG.error("A command failed", e);
            return new Reply.Refused("Something went wrong on our side; please try again in a moment.");
        }
    }
}
