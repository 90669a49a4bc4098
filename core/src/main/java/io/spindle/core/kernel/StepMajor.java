package io.spindle.core.kernel;

import java.nio.ByteBuffer;

/**
 * Copies between a batch of sequences [B, T, X] and the time-major layout [T, B, X'] of the recurrent layers (X' ≥ X:
 * room for a column of ones), one row of X values at a time. Plain copies, so any element size; a permuted libnd4j
 * assign walks the same elements one at a time.
 */
public final class StepMajor {
    private StepMajor() {
    }

    /** {@code out[t, b, 0..X) = in[b, t, 0..X)}; rows of {@code rowBytes} in {@code in}, {@code outRowBytes} apart in {@code out}. */
    public static void fromBatchMajor(ByteBuffer in, ByteBuffer out, int batch, int time, int rowBytes, int outRowBytes) {
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < time; t++) out.put((t * batch + b) * outRowBytes, in, (b * time + t) * rowBytes, rowBytes);
        }
    }

    /** {@code out[b, t, 0..X) = in[t, b, 0..X)}; rows {@code inRowBytes} apart in {@code in}, of {@code rowBytes} in {@code out}. */
    public static void toBatchMajor(ByteBuffer in, ByteBuffer out, int batch, int time, int rowBytes, int inRowBytes) {
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < time; t++) out.put((b * time + t) * rowBytes, in, (t * batch + b) * inRowBytes, rowBytes);
        }
    }
}
