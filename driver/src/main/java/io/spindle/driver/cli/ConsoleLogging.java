package io.spindle.driver.cli;

import io.spindle.core.config.ConfigException;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.DefaultConfiguration;

import java.net.URISyntaxException;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The CLI's log level: Spark at WARN unless {@code --verbose} or {@code SPINDLE_LOG=LEVEL} asks for more.
 * Set before Spark starts, so Spark finds log4j configured and leaves its INFO defaults out.
 */
public final class ConsoleLogging {
    static final String RESOURCE = "io/spindle/driver/console-log4j2.properties";
    static final List<String> LEVELS = List.of("OFF", "FATAL", "ERROR", "WARN", "INFO", "DEBUG", "TRACE", "ALL");

    private ConsoleLogging() {
    }

    /** The arguments without {@code --verbose}, after setting the level it and {@code SPINDLE_LOG} ask for. */
    public static String[] configure(String[] args, String spindleLog) {
        List<String> rest = new ArrayList<>();
        boolean verbose = false;
        for (String a : args) {
            if (a.equals("--verbose")) verbose = true;
            else rest.add(a);
        }
        Level level = verbose ? Level.INFO : level(spindleLog);
        // The context Spark logs to: log4j's own class loader's. Under spark-submit --packages this class comes from a
        // child loader, whose default context would be a separate one that Spark never writes to.
        LoggerContext context = (LoggerContext) LogManager.getContext(LogManager.class.getClassLoader(), false);
        if (context.getConfiguration() instanceof DefaultConfiguration) {
            // Nobody configured log4j (no log4j2.properties on the classpath, no -Dlog4j2.configurationFile): use ours.
            context.setConfigLocation(resource());
        }
        // A cluster's own log4j2.properties still holds for its appenders; only the level is the user's choice here.
        context.getConfiguration().getRootLogger().setLevel(level == null ? Level.WARN : level);
        context.updateLoggers();
        // spark-submit resets logging before it calls main and Spark configures it again when the context starts;
        // spark.log.level (Spark 3.5+) is applied after that. A level the user gave with --conf stays.
        if (System.getProperty("spark.log.level") == null) {
            System.setProperty("spark.log.level", (level == null ? Level.WARN : level).name());
        }
        return rest.toArray(new String[0]);
    }

    /** {@code SPINDLE_LOG}'s level, or null when unset; a wrong name is an error that lists the allowed ones. */
    static Level level(String name) {
        if (name == null || name.isBlank()) return null;
        String upper = name.trim().toUpperCase(Locale.ROOT);
        if (!LEVELS.contains(upper)) {
            throw new ConfigException("SPINDLE_LOG", "\"" + name + "\"", "one of " + LEVELS);
        }
        return Level.toLevel(upper);
    }

    private static java.net.URI resource() {
        URL url = ConsoleLogging.class.getClassLoader().getResource(RESOURCE);
        if (url == null) throw new IllegalStateException(RESOURCE + " is missing from the Spindle jar");
        try {
            return url.toURI();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
