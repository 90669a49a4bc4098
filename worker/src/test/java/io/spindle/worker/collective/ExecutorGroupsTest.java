package io.spindle.worker.collective;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExecutorGroupsTest {

    @Test
    void ranksAreGroupedByExecutorAndExecutorsByHost() {
        String[] twoExecutorsOneHost = {"10.0.0.5:40001", "10.0.0.5:40002", "10.0.0.5:40001", "10.0.0.5:40002"};
        ExecutorGroups groups = ExecutorGroups.of(twoExecutorsOneHost);
        assertEquals(2, groups.groups());
        assertTrue(groups.anyShared());
        assertEquals(1, groups.groupOf(3));
        assertEquals(1, groups.localIndex(2));
        assertTrue(ExecutorGroups.oneHost(twoExecutorsOneHost), "two executor JVMs of one host");
        assertTrue(ExecutorGroups.oneHost(new String[] {"driver:0", "driver:0"}), "local mode: one executor");
        assertTrue(ExecutorGroups.oneHost(new String[] {"[::1]:7001", "[::1]:7002"}), "an IPv6 host with ports");
        assertFalse(ExecutorGroups.oneHost(new String[] {"10.0.0.5:40001", "10.0.0.6:40001"}), "two hosts");
        assertFalse(ExecutorGroups.of(new String[] {"a:1", "b:1"}).anyShared());
    }
}
