/**
 * Generations as storage keeps them: the one mapping between the engine's requests and results and storage's
 * records, used by the command core, the service and the command line alike.
 */
package dev.imagine.bot.stored;
