package dev.imagine.bot.command;

/** A request the core refuses; the message is a sentence for the user. Never leaves the package. */
final class CommandException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CommandException(String userMessage) {
        super(userMessage, null, false, false);
    }
}
