/**
 * The dispatcher: a durable, rate-limited, fair queue in front of the one shared engine. Chat adapters submit jobs
 * and render the events it sends them; nothing here knows Discord or Telegram.
 */
package dev.imagine.bot.dispatch;
