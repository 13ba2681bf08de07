/**
 * The web chat: the bot as a page in the browser, served by {@code imagine run} on Javalin (Jetty), on the same
 * command core, dispatcher and storage as the Discord and Telegram adapters. {@link dev.imagine.bot.web.WebAdapter}
 * is the adapter and documents the JSON API; the page itself (plain HTML, CSS and JavaScript) lives in the jar under
 * {@code /web}. Javalin and Jetty types stay in this package.
 */
package dev.imagine.bot.web;
