package dev.imagine.bot.telegram;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * Collects every log event of every logger (TelegramBots' too) at DEBUG and above while open, with exception
 * messages and causes, for checking that no line carries the token.
 */
final class LogLines implements AutoCloseable {
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Level previous = root.getLevel();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    LogLines() {
        appender.start();
        root.addAppender(appender);
        root.setLevel(Level.DEBUG);
    }

    /** Every event so far: level, logger, message, then each exception and cause with its message. */
    String text() {
        List<ILoggingEvent> events;
        synchronized (appender) {
            events = List.copyOf(appender.list);
        }
        return events.stream().map(e -> e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage()
                + throwable(e.getThrowableProxy())).collect(Collectors.joining("\n"));
    }

    private static String throwable(IThrowableProxy proxy) {
        return proxy == null ? "" : " | " + proxy.getClassName() + ": " + proxy.getMessage()
                + throwable(proxy.getCause());
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        root.setLevel(previous);
    }
}
