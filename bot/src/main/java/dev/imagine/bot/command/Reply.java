package dev.imagine.bot.command;

import java.util.List;
import java.util.Objects;

/**
 * The core's answer to a command, a prompt or a button press: plain text the adapter shows (adding platform markup
 * if it likes), plus what else it should do. The job's later events (progress, the pictures) come through the
 * dispatcher's {@link dev.imagine.bot.dispatch.JobSink}, not here. Every {@link #text()} fits Discord's 2000
 * characters except {@link Document#text()}, which fits Telegram's 1024-character caption.
 */
public sealed interface Reply {

    /** What to tell the user. */
    String text();

    /** An answer meant for the caller (history, settings, help...): Discord shows it only to them. */
    record Text(String text) implements Reply {
        /** Validates. */
        public Text {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * Nothing was done, and {@code text} says why and what to do (a bad flag or picture, a rate limit, a full
     * queue, a button that is not valid); meant for the caller only.
     */
    record Refused(String text) implements Reply {
        /** Validates. */
        public Refused {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * A job was recorded and queued as generation {@code generationId}; {@code position} jobs run before it. Show
     * {@code text} as the job's status message (it will get the job's events) with {@link #buttons()}.
     */
    record Queued(long generationId, int position, String text) implements Reply {
        /** Validates. */
        public Queued {
            Objects.requireNonNull(text, "text");
        }

        /** The buttons for the status message: cancel. */
        public List<ButtonId> buttons() {
            return ButtonId.forQueued(generationId);
        }
    }

    /**
     * Send a file: a picture's original PNG with its parameters embedded. Send it as a document (Telegram) or an
     * attachment (Discord), not as a compressed photo.
     *
     * @param fileName such as {@code imagine-123-1.png}, or {@code SPOILER_imagine-123-1.png} for a spoiler
     * @param bytes the file; the caller owns the array
     * @param text a caption
     * @param spoiler whether the safety policy wants the file hidden behind a spoiler (the safety checker flagged
     *     it); a platform that cannot hide a file sends {@link #text()} alone
     */
    record Document(String fileName, byte[] bytes, String text, boolean spoiler) implements Reply {
        /** Validates. */
        public Document {
            Objects.requireNonNull(fileName, "fileName");
            Objects.requireNonNull(bytes, "bytes");
            Objects.requireNonNull(text, "text");
        }

        /** A file shown as it is. */
        public Document(String fileName, byte[] bytes, String text) {
            this(fileName, bytes, text, false);
        }
    }

    /**
     * Delete the chat message that shows generation {@code generationId} (the one whose button was pressed), then
     * tell the caller {@code text}. Storage keeps the generation: it has no delete, and history still lists it.
     */
    record DeleteMessage(long generationId, String text) implements Reply {
        /** Validates. */
        public DeleteMessage {
            Objects.requireNonNull(text, "text");
        }
    }
}
