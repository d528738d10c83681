package io.clicklake.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/** Captures every log event while open: root at INFO, io.clicklake and com.mysql at every level. */
public final class LogCapture implements AutoCloseable {
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Map<String, Level> saved = new HashMap<>();
  private final Map<String, Appender> detached = new HashMap<>();
  private final LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
  private AbstractAppender appender;

  public static LogCapture start() {
    LogCapture c = new LogCapture();
    c.appender =
        new AbstractAppender("password-capture", null, null, true, Property.EMPTY_ARRAY) {
          @Override
          public void append(LogEvent event) {
            String line =
                event.getLoggerName()
                    + " "
                    + event.getLevel()
                    + " "
                    + event.getMessage().getFormattedMessage();
            if (event.getThrown() != null) {
              line += "\n" + stackTrace(event.getThrown());
            }
            c.lines.add(line);
          }
        };
    c.appender.start();
    Configuration cfg = c.ctx.getConfiguration();
    cfg.addAppender(c.appender);
    c.detached.putAll(cfg.getRootLogger().getAppenders()); // keep the console quiet meanwhile
    c.detached.keySet().forEach(cfg.getRootLogger()::removeAppender);
    c.level(cfg, "", Level.INFO);
    c.level(cfg, "org.apache.spark", Level.INFO);
    c.level(cfg, "org.apache.hadoop", Level.INFO);
    c.level(cfg, "io.clicklake", Level.ALL);
    c.level(cfg, "com.mysql", Level.ALL);
    cfg.getRootLogger().addAppender(c.appender, Level.ALL, null);
    c.ctx.updateLoggers();
    return c;
  }

  private void level(Configuration cfg, String name, Level level) {
    LoggerConfig lc = name.isEmpty() ? cfg.getRootLogger() : cfg.getLoggerConfig(name);
    if (!lc.getName().equals(name)) {
      lc = new LoggerConfig(name, level, true);
      cfg.addLogger(name, lc);
      saved.put(name, null);
    } else {
      saved.put(name, lc.getLevel());
    }
    lc.setLevel(level);
  }

  public List<String> lines() {
    return new ArrayList<>(lines);
  }

  @Override
  public void close() {
    Configuration cfg = ctx.getConfiguration();
    cfg.getRootLogger().removeAppender(appender.getName());
    detached.values().forEach(a -> cfg.getRootLogger().addAppender(a, null, null));
    saved.forEach(
        (name, level) -> {
          if (level == null) {
            cfg.removeLogger(name);
          } else {
            (name.isEmpty() ? cfg.getRootLogger() : cfg.getLoggerConfig(name)).setLevel(level);
          }
        });
    ctx.updateLoggers();
    appender.stop();
  }

  /** A throwable's stack trace as text. */
  public static String stackTrace(Throwable t) {
    StringWriter sw = new StringWriter();
    t.printStackTrace(new PrintWriter(sw));
    return sw.toString();
  }
}
