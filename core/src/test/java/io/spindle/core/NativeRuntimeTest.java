package io.spindle.core;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The per-allocation physical-memory check is turned off by default, and a user's own value wins. */
class NativeRuntimeTest {
    private final String before = System.getProperty(NativeRuntime.MAX_PHYSICAL_BYTES);

    @AfterEach
    void restore() {
        if (before == null) System.clearProperty(NativeRuntime.MAX_PHYSICAL_BYTES);
        else System.setProperty(NativeRuntime.MAX_PHYSICAL_BYTES, before);
    }

    @Test
    void turnsTheCheckOffUnlessTheUserChose() {
        System.clearProperty(NativeRuntime.MAX_PHYSICAL_BYTES);
        NativeRuntime.configure();
        assertEquals("0", System.getProperty(NativeRuntime.MAX_PHYSICAL_BYTES));
        System.setProperty(NativeRuntime.MAX_PHYSICAL_BYTES, "8G");
        NativeRuntime.configure();
        assertEquals("8G", System.getProperty(NativeRuntime.MAX_PHYSICAL_BYTES));
    }
}
