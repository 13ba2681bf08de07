/**
 * The outermost layer: wires the service to the chat adapters of this build. Only the command line and tests that
 * start the whole service use it.
 */
package dev.imagine.bot.app;
