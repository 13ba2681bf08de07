/**
 * The running service: {@code imagine run} wires configuration, storage, the engine, the dispatcher, the operations
 * endpoints and the chat adapters it is handed (by {@code dev.imagine.bot.app.Adapters}) together, and maps between the
 * engine's and storage's records. Nothing here names a chat platform's adapter.
 */
package dev.imagine.bot.service;
