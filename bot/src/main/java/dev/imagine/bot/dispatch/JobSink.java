package dev.imagine.bot.dispatch;

/**
 * Renders a platform's job events (edits a status message, posts the image). Called on the dispatcher's threads:
 * hand slow network work to another thread. Also receives the events of jobs resumed after a restart, which is why
 * events go to a sink per platform rather than to the caller of {@code submit}. An exception is logged and ignored.
 */
@FunctionalInterface
public interface JobSink {
    /** One event of one job. */
    void deliver(Job job, JobEvent event);
}
