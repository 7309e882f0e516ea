package com.alignersync.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Everything logged (any logger, any thread) while it is open, for tests that assert what a
 * log line must never say or at which level something must never be logged.
 */
public final class LogCapture implements AutoCloseable {

    /** One captured line: level, the formatted message and the stack trace text, if any. */
    public record Line(Level level, String logger, String message, String throwable) {
        /** The message and the stack trace, as an appender would write them. */
        public String text() {
            return throwable.isEmpty() ? message : message + System.lineSeparator() + throwable;
        }

        @Override
        public String toString() {
            return level + " " + logger + " - " + text();
        }
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            IThrowableProxy thrown = event.getThrowableProxy();
            lines.add(new Line(event.getLevel(), event.getLoggerName(), event.getFormattedMessage(),
                    thrown == null ? "" : ThrowableProxyUtil.asString(thrown)));
        }
    };

    public LogCapture() {
        appender.setContext(root.getLoggerContext());
        appender.setName("test-capture-" + System.identityHashCode(this));
        appender.start();
        root.addAppender(appender);
    }

    public List<Line> lines() {
        return List.copyOf(lines);
    }

    /** The lines at {@code level} or above. */
    public List<Line> atLeast(Level level) {
        return lines.stream().filter(line -> line.level().isGreaterOrEqual(level)).toList();
    }

    /** The lines whose message or stack trace contains {@code text}. */
    public List<Line> containing(String text) {
        return lines.stream().filter(line -> line.text().contains(text)).toList();
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
    }
}
