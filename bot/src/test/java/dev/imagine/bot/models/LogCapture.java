package dev.imagine.bot.models;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * Collects every log event of {@code dev.imagine} (and, with {@link #withLibraries()}, of the chat and HTTP
 * libraries) at DEBUG and above while open, for assertions on log text. Captured library events do not reach the
 * console meanwhile.
 */
public final class LogCapture implements AutoCloseable {
    /** The libraries whose own log lines could carry a token: JDA, its WebSocket client, OkHttp, TelegramBots. */
    static final List<String> LIBRARIES = List.of("net.dv8tion", "com.neovisionaries", "okhttp3", "org.telegram");

    private final List<Logger> loggers = new ArrayList<>();
    private final List<Level> previousLevels = new ArrayList<>();
    private final List<Boolean> previousAdditivity = new ArrayList<>();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    public LogCapture() {
        this(List.of("dev.imagine"), false);
    }

    private LogCapture(List<String> names, boolean quiet) {
        appender.start();
        for (String name : names) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            loggers.add(logger);
            previousLevels.add(logger.getLevel());
            previousAdditivity.add(logger.isAdditive());
            logger.addAppender(appender);
            logger.setLevel(Level.DEBUG);
            if (quiet && !name.equals("dev.imagine")) {
                logger.setAdditive(false);
            }
        }
    }

    /** A capture of {@code dev.imagine} and of {@link #LIBRARIES}, all at DEBUG. */
    public static LogCapture withLibraries() {
        List<String> names = new ArrayList<>(List.of("dev.imagine"));
        names.addAll(LIBRARIES);
        return new LogCapture(names, true);
    }

    /** Every message with its level and any exception text, one line per event. */
    public String text() {
        return appender.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage() + throwable(e.getThrowableProxy()))
                .collect(Collectors.joining("\n"));
    }

    /** The names of the loggers that wrote the captured events. */
    public Set<String> loggerNames() {
        return appender.list.stream().map(ILoggingEvent::getLoggerName).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String throwable(IThrowableProxy proxy) {
        return proxy == null ? "" : " " + proxy.getClassName() + ": " + proxy.getMessage() + throwable(proxy.getCause());
    }

    @Override
    public void close() {
        for (int i = 0; i < loggers.size(); i++) {
            loggers.get(i).detachAppender(appender);
            loggers.get(i).setLevel(previousLevels.get(i));
            loggers.get(i).setAdditive(previousAdditivity.get(i));
        }
    }
}
