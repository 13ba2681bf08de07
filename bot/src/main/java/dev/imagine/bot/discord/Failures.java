package dev.imagine.bot.discord;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import net.dv8tion.jda.api.exceptions.ErrorResponseException;
import net.dv8tion.jda.api.exceptions.InteractionExpiredException;
import net.dv8tion.jda.api.requests.ErrorResponse;

/** Reads JDA's failures. */
final class Failures {
    private Failures() {
    }

    /** The failure under {@link CompletionException} and {@link ExecutionException} wrappers. */
    static Throwable cause(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Whether Discord no longer accepts the interaction's token: it expired or the interaction is unknown. */
    static boolean isExpiredInteraction(Throwable failure) {
        Throwable t = cause(failure);
        if (t instanceof InteractionExpiredException) {
            return true;
        }
        if (t instanceof ErrorResponseException error) {
            ErrorResponse response = error.getErrorResponse();
            return response == ErrorResponse.UNKNOWN_WEBHOOK || response == ErrorResponse.INVALID_WEBHOOK_TOKEN
                    || response == ErrorResponse.UNKNOWN_INTERACTION;
        }
        return false;
    }
}
