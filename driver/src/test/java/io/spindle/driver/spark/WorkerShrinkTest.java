package io.spindle.driver.spark;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The worker count a shrunken run takes: the most the remaining slots hold that keeps the global batches. */
class WorkerShrinkTest {
    @Test
    void theLargestCountTheSlotsHoldThatDividesTheShardsAndTheBatch() {
        assertEquals(1, WorkerShrink.fit(1, 64, 128), "2 workers lose one slot");
        assertEquals(2, WorkerShrink.fit(3, 64, 128), "4 workers lose one slot: 3 does not divide 64");
        assertEquals(4, WorkerShrink.fit(7, 64, 96));
        assertEquals(2, WorkerShrink.fit(7, 64, 96 + 2), "98 rows per step: 4 workers would not take whole local batches");
        assertEquals(3, WorkerShrink.fit(5, 48, 90), "a shard count with a factor 3, a batch 4 does not divide");
        assertEquals(0, WorkerShrink.fit(0, 64, 128), "no slots left: no count");
    }
}
