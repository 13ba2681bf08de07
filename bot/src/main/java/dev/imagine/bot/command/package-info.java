/**
 * The platform-neutral command core that the Discord and Telegram adapters share: it parses prompts with their
 * {@code --flags}, merges them with typed options and stored settings into a validated job, submits it to the
 * dispatcher, turns button presses into jobs read from storage, and writes every user-facing text.
 *
 * <p>Adapters use {@link dev.imagine.bot.command.CommandCore} (commands, prompts, button presses),
 * {@link dev.imagine.bot.command.Messages} (status texts and captions for the dispatcher's events) and
 * {@link dev.imagine.bot.command.ButtonId} (the buttons to attach). Every answer is a
 * {@link dev.imagine.bot.command.Reply}; the core never throws at an adapter. No Discord or Telegram type appears
 * here: adapters translate their platform's types into {@link dev.imagine.bot.command.Caller},
 * {@link dev.imagine.bot.command.PromptOptions} and {@link dev.imagine.bot.command.InitImage}.
 */
package dev.imagine.bot.command;
