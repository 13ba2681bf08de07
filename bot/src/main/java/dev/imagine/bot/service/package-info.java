/**
 * The running service: {@code imagine run} wires configuration, storage, the engine, the dispatcher, the chat adapters
 * and the operations endpoints together, and maps between the engine's and storage's records.
 */
package dev.imagine.bot.service;
