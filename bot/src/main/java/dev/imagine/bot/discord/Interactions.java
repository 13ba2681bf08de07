package dev.imagine.bot.discord;

import dev.imagine.bot.command.ButtonAction;
import dev.imagine.bot.command.ButtonId;
import dev.imagine.bot.command.Caller;
import dev.imagine.bot.command.CommandCore;
import dev.imagine.bot.command.InitImage;
import dev.imagine.bot.command.PromptOptions;
import dev.imagine.bot.command.Reply;
import dev.imagine.bot.dispatch.ChatTarget;
import dev.imagine.bot.dispatch.Requester;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import net.dv8tion.jda.api.Permission;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.entities.channel.attribute.IAgeRestrictedChannel;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.Role;
import net.dv8tion.jda.api.entities.User;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.events.interaction.component.ButtonInteractionEvent;
import net.dv8tion.jda.api.events.interaction.component.GenericComponentInteractionCreateEvent;
import net.dv8tion.jda.api.events.interaction.component.StringSelectInteractionEvent;
import net.dv8tion.jda.api.hooks.ListenerAdapter;
import net.dv8tion.jda.api.interactions.Interaction;
import net.dv8tion.jda.api.interactions.InteractionHook;
import net.dv8tion.jda.api.interactions.callbacks.IReplyCallback;
import net.dv8tion.jda.api.interactions.commands.OptionMapping;
import net.dv8tion.jda.api.utils.FileUpload;
import net.dv8tion.jda.api.utils.messages.MessageCreateBuilder;
import net.dv8tion.jda.api.utils.messages.MessageEditBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns slash commands and button presses into {@link CommandCore} calls and shows the answers. Every interaction is
 * acknowledged on JDA's event thread before anything slow happens (Discord allows 3 seconds): a bad option or
 * attachment is answered at once, ephemerally; anything else defers the reply and goes on on the adapter's executor.
 *
 * <p>Commands that queue a job ({@code /imagine}, {@code /rerun}, Re-roll, Rerun, Vary, Upscale) defer publicly, and
 * the deferred reply becomes the job's status message ({@link JobMessages#bindHook}); if the core refuses, the
 * deferred reply is deleted and the refusal sent as an ephemeral follow-up. Everything else defers ephemerally and
 * edits the answer in: history, settings, parameters, the queue, cancelling, deleting, the original PNG.
 */
final class Interactions extends ListenerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(Interactions.class);
    private static final Set<ButtonAction> NEW_JOB = EnumSet.of(ButtonAction.REROLL, ButtonAction.RERUN,
            ButtonAction.VARY, ButtonAction.UPSCALE, ButtonAction.REVERSE);
    static final String RESTARTING = "The bot is restarting and takes no new jobs right now; try again in a minute.";
    private static final String OUR_FAULT = "Something went wrong on our side; please try again in a moment.";

    /** The largest file Discord takes for an interaction's chat. */
    @FunctionalInterface
    interface UploadLimit {
        long of(Interaction interaction);
    }

    private final CommandCore core;
    private final JobMessages messages;
    private final DiscordOptions options;
    private final Clock clock;
    private final Activity activity;
    private final UserLanes workers;
    private final UploadLimit uploadLimit;
    private volatile boolean intake = true;

    Interactions(CommandCore core, JobMessages messages, DiscordOptions options, Clock clock, Activity activity,
            Executor workers, UploadLimit uploadLimit) {
        this.core = core;
        this.messages = messages;
        this.options = options;
        this.clock = clock;
        this.activity = activity;
        this.workers = new UserLanes(workers);
        this.uploadLimit = uploadLimit;
    }

    /** New jobs are refused from now on; other commands still work. */
    void stopIntake() {
        intake = false;
    }

    @Override
    public void onSlashCommandInteraction(SlashCommandInteractionEvent event) {
        activity.begin();
        try {
            slash(event);
        } catch (RuntimeException e) {
            LOG.error("Handling /{} failed", event.getName(), e);
            if (!event.isAcknowledged()) {
                replyPrivately(event, OUR_FAULT);
            }
        } finally {
            activity.end();
        }
    }

    @Override
    public void onButtonInteraction(ButtonInteractionEvent event) {
        component(event, event.getComponentId());
    }

    @Override
    public void onStringSelectInteraction(StringSelectInteractionEvent event) {
        component(event, event.getValues().isEmpty() ? event.getComponentId() : event.getValues().get(0));
    }

    private void component(GenericComponentInteractionCreateEvent event, String id) {
        activity.begin();
        try {
            press(event, id);
        } catch (RuntimeException e) {
            LOG.error("Handling a button press failed", e);
            if (!event.isAcknowledged()) {
                replyPrivately(event, OUR_FAULT);
            }
        } finally {
            activity.end();
        }
    }

    private void slash(SlashCommandInteractionEvent event) {
        Instant expires = clock.instant().plus(options.interactionLifetime());
        Caller caller = caller(event);
        try {
            switch (event.getName()) {
                case SlashCommands.IMAGINE -> imagine(event, caller, expires);
                case SlashCommands.ANIMATE -> {
                    String prompt = Optional.ofNullable(SlashCommands.string(event::getOption,
                            SlashCommands.PROMPT)).orElse("");
                    String to = SlashCommands.string(event::getOption, SlashCommands.TO);
                    PromptOptions typed = SlashCommands.animateOptions(event::getOption);
                    if (!intake) {
                        replyPrivately(event, RESTARTING);
                    } else {
                        publicly(event, expires, () -> core.animate(caller, prompt,
                                to == null ? List.of() : List.of(to), typed));
                    }
                }
                case SlashCommands.RERUN -> {
                    Long id = SlashCommands.whole(event::getOption, SlashCommands.ID);
                    Long seed = SlashCommands.whole(event::getOption, SlashCommands.SEED);
                    if (id == null) {
                        replyPrivately(event, "Give the generation's number, such as /rerun 123; /history lists "
                                + "yours.");
                    } else if (!intake) {
                        replyPrivately(event, RESTARTING);
                    } else {
                        publicly(event, expires, () -> core.rerun(caller, id, seed));
                    }
                }
                case SlashCommands.SEED -> {
                    Long id = SlashCommands.whole(event::getOption, SlashCommands.ID);
                    if (id == null) {
                        replyPrivately(event, "Give the generation's number, such as /seed 123; /history lists "
                                + "yours.");
                    } else {
                        privately(event, () -> core.seed(caller, id));
                    }
                }
                case SlashCommands.HISTORY -> privately(event, () -> core.history(caller));
                case SlashCommands.QUEUE -> privately(event, () -> core.queue(caller));
                case SlashCommands.CANCEL -> {
                    Long id = SlashCommands.whole(event::getOption, SlashCommands.ID);
                    privately(event, () -> core.cancel(caller, id));
                }
                case SlashCommands.SETTINGS -> {
                    String change = SlashCommands.string(event::getOption, SlashCommands.CHANGE);
                    privately(event, () -> core.settings(caller, change));
                }
                case SlashCommands.HELP -> privately(event, core::help);
                default -> replyPrivately(event, "I do not know /" + Attachments.printable(event.getName())
                        + "; /help lists the commands.");
            }
        } catch (SlashCommands.BadOption e) {
            replyPrivately(event, e.getMessage());
        }
    }

    private void imagine(SlashCommandInteractionEvent event, Caller caller, Instant expires)
            throws SlashCommands.BadOption {
        if (!intake) {
            replyPrivately(event, RESTARTING);
            return;
        }
        String prompt = Optional.ofNullable(SlashCommands.string(event::getOption, SlashCommands.PROMPT)).orElse("");
        PromptOptions typed = SlashCommands.promptOptions(event::getOption);
        Message.Attachment attachment = attachment(event.getOption(SlashCommands.IMAGE));
        if (attachment != null) {
            Optional<String> refused = core.refuseUpload(attachment.getSize())
                    .or(() -> Attachments.refuseType(attachment.getFileName(), attachment.getContentType()));
            if (refused.isPresent()) {
                replyPrivately(event, refused.get());
                return;
            }
        }
        publicly(event, expires, () -> {
            InitImage image = null;
            if (attachment != null) {
                try {
                    image = Attachments.download(attachment, core.limits().maxImageBytes(),
                            options.downloadTimeout());
                } catch (Attachments.Refused e) {
                    return new Reply.Refused(e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new Reply.Refused(OUR_FAULT);
                }
            }
            return core.imagine(caller, prompt, typed, image);
        });
    }

    private static Message.Attachment attachment(OptionMapping option) throws SlashCommands.BadOption {
        if (option == null) {
            return null;
        }
        try {
            return option.getAsAttachment();
        } catch (IllegalStateException e) {
            throw new SlashCommands.BadOption("The option image takes a picture file.");
        }
    }

    private void press(GenericComponentInteractionCreateEvent event, String id) {
        Instant expires = clock.instant().plus(options.interactionLifetime());
        boolean newJob = ButtonId.parse(id).map(button -> NEW_JOB.contains(button.action())).orElse(false);
        Caller caller = caller(event);
        if (newJob) {
            if (!intake) {
                replyPrivately(event, RESTARTING);
            } else {
                publicly(event, expires, () -> core.press(caller, id));
            }
            return;
        }
        String pressedMessage = event.getMessageId();
        InteractionHook hook = event.getHook();
        activity.track(event.deferReply(true).submit());
        run(event, () -> {
            Reply reply = core.press(caller, id);
            if (reply instanceof Reply.DeleteMessage delete) {
                activity.track(event.getMessageChannel().deleteMessageById(pressedMessage).submit()
                        .handle((deleted, failure) -> {
                            if (failure != null) {
                                LOG.info("Deleting message {} failed: {}", pressedMessage, failure.toString());
                                return "The message could not be deleted; it may be gone already.";
                            }
                            return delete.text();
                        })
                        .thenCompose(text -> hook.editOriginal(text).submit()));
            } else {
                answer(hook, reply, uploadLimit.of(event));
            }
        });
    }

    /** Defers publicly, runs {@code work} on the executor and binds a queued job to the deferred reply. */
    private void publicly(IReplyCallback event, Instant expires, Supplier<Reply> work) {
        InteractionHook hook = event.getHook();
        long limit = uploadLimit.of(event);
        activity.track(event.deferReply(false).submit());
        run(event, () -> {
            messages.beginSubmission();
            try {
                Reply reply = work.get();
                if (reply instanceof Reply.Queued queued) {
                    messages.bindHook(queued.generationId(), hook, expires, queued.text());
                } else {
                    activity.track(hook.deleteOriginal().submit()
                            .handle((deleted, failure) -> null)
                            .thenCompose(ignored -> followUpPrivately(hook, reply, limit)));
                }
            } finally {
                messages.endSubmission();
            }
        });
    }

    /** Defers ephemerally and edits the answer of {@code work} in. */
    private void privately(IReplyCallback event, Supplier<Reply> work) {
        InteractionHook hook = event.getHook();
        long limit = uploadLimit.of(event);
        activity.track(event.deferReply(true).submit());
        run(event, () -> answer(hook, work.get(), limit));
    }

    private void answer(InteractionHook hook, Reply reply, long limit) {
        MessageEditBuilder edit = new MessageEditBuilder();
        if (reply instanceof Reply.Document document) {
            if (document.bytes().length > limit) {
                edit.setContent(tooLarge(document, limit));
            } else {
                edit.setContent(document.text()).setFiles(FileUpload.fromData(document.bytes(), document.fileName()));
            }
        } else {
            edit.setContent(reply.text());
        }
        activity.track(hook.editOriginal(edit.build()).submit());
    }

    private CompletableFuture<?> followUpPrivately(InteractionHook hook, Reply reply, long limit) {
        MessageCreateBuilder message = new MessageCreateBuilder();
        if (reply instanceof Reply.Document document && document.bytes().length <= limit) {
            message.setContent(document.text()).setFiles(FileUpload.fromData(document.bytes(), document.fileName()));
        } else if (reply instanceof Reply.Document document) {
            message.setContent(tooLarge(document, limit));
        } else {
            message.setContent(reply.text());
        }
        return hook.sendMessage(message.build()).setEphemeral(true).submit();
    }

    private static String tooLarge(Reply.Document document, long limit) {
        return "The file " + document.fileName() + " is " + Uploads.size(document.bytes().length)
                + ", more than Discord takes here (" + Uploads.size(limit) + ").";
    }

    private void replyPrivately(IReplyCallback event, String text) {
        activity.track(event.reply(text).setEphemeral(true).submit());
    }

    /** Runs {@code task} on the workers after the earlier tasks of the same user (see {@link UserLanes}). */
    private void run(IReplyCallback event, Runnable task) {
        activity.begin();
        try {
            workers.execute(event.getUser().getId(), () -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("Handling an interaction failed", e);
                } finally {
                    activity.end();
                }
            });
        } catch (RejectedExecutionException e) {
            activity.end();
            LOG.info("An interaction arrived while the adapter was closing; it is not handled");
        }
    }

    /** Who is asking and where: the user, their roles (for per-role limits), the channel, Manage Messages. */
    static Caller caller(Interaction interaction) {
        User user = interaction.getUser();
        Member member = interaction.getMember();
        Set<String> roles = new LinkedHashSet<>();
        boolean manager = false;
        if (member != null) {
            try {
                member.getRoles().stream().map(Role::getId).forEach(roles::add);
            } catch (RuntimeException e) {
                LOG.debug("The roles of {} are unknown: {}", user.getId(), e.toString());
            }
            try {
                manager = member.hasPermission(interaction.getGuildChannel(), Permission.MESSAGE_MANAGE);
            } catch (RuntimeException e) {
                LOG.debug("The permissions of {} are unknown: {}", user.getId(), e.toString());
            }
        }
        String name = member != null ? member.getEffectiveName() : user.getEffectiveName();
        Guild guild = interaction.getGuild();
        Requester requester = new Requester(DiscordAdapter.PLATFORM, user.getId(), name, roles);
        ChatTarget target = new ChatTarget(DiscordAdapter.PLATFORM, guild == null ? null : guild.getId(),
                interaction.getChannelId(), null);
        boolean ageRestricted = interaction.getChannel() instanceof IAgeRestrictedChannel channel && channel.isNSFW();
        return new Caller(requester, target, manager, ageRestricted);
    }
}
