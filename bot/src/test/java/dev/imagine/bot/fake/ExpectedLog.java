package dev.imagine.bot.fake;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * Catches the log lines of one class while open, instead of printing them, so that a test that provokes an error on
 * purpose asserts its log line rather than leaving a stack trace on the console.
 */
public final class ExpectedLog implements AutoCloseable {
    private final Logger logger;
    private final boolean additive;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private ExpectedLog(Class<?> source) {
        logger = (Logger) LoggerFactory.getLogger(source);
        additive = logger.isAdditive();
        appender.start();
        logger.addAppender(appender);
        logger.setAdditive(false);
    }

    /** Starts catching the lines {@code source} logs. */
    public static ExpectedLog of(Class<?> source) {
        return new ExpectedLog(source);
    }

    /** Each line so far as "LEVEL message | ExceptionClass: message". */
    public List<String> lines() {
        List<ILoggingEvent> events;
        synchronized (appender) {
            events = List.copyOf(appender.list);
        }
        return events.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage() + throwable(e.getThrowableProxy()))
                .collect(Collectors.toList());
    }

    private static String throwable(IThrowableProxy proxy) {
        if (proxy == null) {
            return "";
        }
        String name = proxy.getClassName();
        return " | " + name.substring(name.lastIndexOf('.') + 1) + ": " + proxy.getMessage();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setAdditive(additive);
    }
}
