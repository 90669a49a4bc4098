package io.spindle.driver.spark;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A jar meets the Spark/Scala line it was built for; another line is refused with both named. */
class SparkLineCheckTest {
    @Test
    void theBuiltJarMatchesTheSparkItIsTestedWith() {
        assertDoesNotThrow(SparkLineCheck::require);
    }

    @Test
    void patchReleasesOfOneLineMatch() {
        assertNull(SparkLineCheck.mismatch("4.2.0", "2.13", "4.2.1", "2.13.18"));
        assertNull(SparkLineCheck.mismatch("3.5.7", "2.12", "3.5.3", "2.12.18"));
        assertEquals("4.2", SparkLineCheck.line("4.2.0-preview2"));
    }

    @Test
    void anotherSparkOrScalaLineIsNamedWithTheBuiltOne() {
        String spark = SparkLineCheck.mismatch("4.2.0", "2.13", "3.5.7", "2.12.18");
        assertTrue(spark.startsWith("this Spindle jar was built for Spark 4.2 / Scala 2.13 but runs on Spark 3.5 / Scala 2.12"), spark);
        String scala = SparkLineCheck.mismatch("3.5.7", "2.12", "3.5.7", "2.13.8");
        assertTrue(scala.contains("built for Spark 3.5 / Scala 2.12 but runs on Spark 3.5 / Scala 2.13"), scala);
        assertTrue(SparkLineCheck.mismatch("4.1.0", "2.13", "4.2.0", "2.13.18").contains("Spark 4.1 / Scala 2.13"));
    }
}
