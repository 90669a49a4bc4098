package io.spindle.worker.collective;

import io.spindle.core.kernel.HalfFloats;

/**
 * How {@code allReduceMean} puts float values on the wire. Sums always accumulate in float32; a 2-byte
 * format rounds every partial sum once per hop, so a ring of N ranks rounds each value N times.
 * Broadcast is always sent as FLOAT32, so replicas start from exactly the same parameters.
 */
public enum WireFormat {
    /** Exact: 4 bytes per value. */
    FLOAT32(1, 4, null),
    /**
     * IEEE half: 2 bytes, relative error up to 2^-11 (about 4.9e-4) per rounding; magnitudes above 65504
     * become infinite and below about 6e-8 become zero, so tiny gradients can vanish.
     */
    FLOAT16(2, 2, HalfFloats.FLOAT16),
    /** bfloat16: 2 bytes, float32's range, relative error up to 2^-8 (about 3.9e-3) per rounding. */
    BFLOAT16(3, 2, HalfFloats.BFLOAT16);

    final byte code;
    final int bytesPerValue;
    final HalfFloats halves;   // the Java loops of a 16-bit format; null for FLOAT32

    WireFormat(int code, int bytesPerValue, HalfFloats halves) {
        this.code = (byte) code;
        this.bytesPerValue = bytesPerValue;
        this.halves = halves;
    }

    /** The format with this wire code, or null. */
    static WireFormat fromCode(byte code) {
        for (WireFormat f : values()) {
            if (f.code == code) {
                return f;
            }
        }
        return null;
    }
}
