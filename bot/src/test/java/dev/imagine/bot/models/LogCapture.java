package dev.imagine.bot.models;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/** Collects every log event of {@code dev.imagine} at DEBUG and above while open, for assertions on log text. */
public final class LogCapture implements AutoCloseable {
    private final Logger logger = (Logger) LoggerFactory.getLogger("dev.imagine");
    private final Level previous = logger.getLevel();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    public LogCapture() {
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.DEBUG);
    }

    /** Every message with its level and any exception text, one line per event. */
    public String text() {
        return appender.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage() + throwable(e.getThrowableProxy()))
                .collect(Collectors.joining("\n"));
    }

    private static String throwable(IThrowableProxy proxy) {
        return proxy == null ? "" : " " + proxy.getClassName() + ": " + proxy.getMessage() + throwable(proxy.getCause());
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setLevel(previous);
    }
}
