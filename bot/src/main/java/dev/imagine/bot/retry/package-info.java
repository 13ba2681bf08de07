/** The retry back-off the bot's network clients share. */
package dev.imagine.bot.retry;
