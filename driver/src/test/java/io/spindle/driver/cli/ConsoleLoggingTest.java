package io.spindle.driver.cli;

import io.spindle.core.config.ConfigException;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI's console: Spark at WARN by default, INFO with --verbose, any level with SPINDLE_LOG, a bad level named. */
class ConsoleLoggingTest {
    private final Level before = LogManager.getRootLogger().getLevel();

    @AfterEach
    void restore() {
        org.apache.logging.log4j.core.config.Configurator.setRootLevel(before);
        System.clearProperty("spark.log.level");
    }

    @Test
    void quietByDefaultAndVerboseOnRequest() {
        String[] rest = ConsoleLogging.configure(new String[] {"train", "job.json"}, null);
        assertArrayEquals(new String[] {"train", "job.json"}, rest);
        assertEquals(Level.WARN, LogManager.getRootLogger().getLevel());
        assertEquals("WARN", System.getProperty("spark.log.level"), "what SparkContext applies after spark-submit's own set-up");
        assertTrue(!LogManager.getLogger("org.apache.spark.SparkContext").isInfoEnabled(), "Spark's INFO lines are hidden");

        rest = ConsoleLogging.configure(new String[] {"train", "--verbose", "job.json"}, null);
        assertArrayEquals(new String[] {"train", "job.json"}, rest, "--verbose is the launcher's, not the verb's");
        System.clearProperty("spark.log.level");
        assertEquals(Level.INFO, LogManager.getRootLogger().getLevel());

        ConsoleLogging.configure(new String[] {"train"}, "debug");
        assertEquals(Level.DEBUG, LogManager.getRootLogger().getLevel());
    }

    @Test
    void aWrongLevelNamesTheVariableAndTheLevels() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConsoleLogging.configure(new String[] {"train"}, "loud"));
        assertTrue(e.getMessage().contains("SPINDLE_LOG") && e.getMessage().contains("\"loud\"") && e.getMessage().contains("WARN"),
                e.getMessage());
    }
}
