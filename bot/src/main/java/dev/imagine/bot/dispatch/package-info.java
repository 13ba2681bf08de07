/**
 * The dispatcher: a durable, rate-limited, fair queue in front of the one shared engine. Chat adapters submit jobs
 * and render the events it sends them; nothing here knows Discord or Telegram, and nothing here writes a sentence
 * for users: rejections are typed ({@link dev.imagine.bot.dispatch.SubmitResult.Rejected}) and the texts of jobs the
 * dispatcher ends itself come from {@link dev.imagine.bot.dispatch.JobNotices}, both written by the command core's
 * {@code Messages}.
 */
package dev.imagine.bot.dispatch;
