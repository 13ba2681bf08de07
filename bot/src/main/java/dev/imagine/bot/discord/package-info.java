/**
 * The Discord adapter: {@link dev.imagine.bot.discord.DiscordAdapter} connects through JDA, registers the slash
 * commands, hands interactions to the platform-neutral command core and renders the dispatcher's job events as one
 * status message per job, edited as the job moves and finished with the pictures and buttons that carry the
 * generation's id. JDA types ({@code net.dv8tion}) stay inside this package.
 */
package dev.imagine.bot.discord;
