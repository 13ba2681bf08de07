/**
 * The Telegram adapter: {@link dev.imagine.bot.telegram.TelegramAdapter} reads updates by long polling through the
 * TelegramBots client, hands prompts, pictures and button presses to the command core, and renders the dispatcher's
 * job events (an edited status message, then the pictures with their buttons) through a flood-controlled sender.
 * TelegramBots types ({@code org.telegram..}) stay inside this package.
 */
package dev.imagine.bot.telegram;
