package io.spindle.bench.scaling;

import io.spindle.worker.collective.WireFormat;
import java.util.Arrays;

/**
 * A way to synchronise one step's gradients in the lab, as a job over the ring does with a shardable optimizer (the
 * sharded step): the wire format, and whether each bucket is reduce-scattered and gathered after backward (serial)
 * or reduce-scattered behind backward and gathered behind the next forward (overlapped).
 */
public enum LabMode {
    FP32_SERIAL("fp32-serial", WireFormat.FLOAT32, false),
    BF16_SERIAL("bf16-serial", WireFormat.BFLOAT16, false),
    FP32_OVERLAP("fp32-overlap", WireFormat.FLOAT32, true),
    BF16_OVERLAP("bf16-overlap", WireFormat.BFLOAT16, true);

    public final String label;
    public final WireFormat wire;
    public final boolean overlapped;

    LabMode(String label, WireFormat wire, boolean overlapped) {
        this.label = label;
        this.wire = wire;
        this.overlapped = overlapped;
    }

    /** Bytes one value takes on the wire. */
    public int bytesPerValue() {
        return wire == WireFormat.FLOAT32 ? 4 : 2;
    }

    public static LabMode byLabel(String label) {
        for (LabMode m : values()) {
            if (m.label.equals(label)) {
                return m;
            }
        }
        throw new IllegalArgumentException("modes must be among "
                + Arrays.stream(values()).map(m -> m.label).toList() + ", got '" + label + "'");
    }
}
