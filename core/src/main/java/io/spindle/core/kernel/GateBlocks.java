package io.spindle.core.kernel;

import java.nio.ByteBuffer;

/**
 * A recurrent layer's weights between the parameter layout, one [R, C] block per gate ([G, R, C]), and the gates side
 * by side ([R, G·C], row r the gates' rows r one after another), where one GEMM covers every gate. Plain copies, so
 * any element size.
 */
public final class GateBlocks {
    private GateBlocks() {
    }

    /** {@code sideBySide[r, g·C + c] = blocks[g, r, c]}; {@code rowBytes} is C times the element size. */
    public static void sideBySide(ByteBuffer blocks, ByteBuffer sideBySide, int gates, int rows, int rowBytes) {
        for (int g = 0; g < gates; g++) {
            for (int r = 0; r < rows; r++) sideBySide.put((r * gates + g) * rowBytes, blocks, (g * rows + r) * rowBytes, rowBytes);
        }
    }

    /** {@code blocks[g, r, c] = sideBySide[r, g·C + c]}: the inverse of {@link #sideBySide}. */
    public static void blocks(ByteBuffer sideBySide, ByteBuffer blocks, int gates, int rows, int rowBytes) {
        for (int g = 0; g < gates; g++) {
            for (int r = 0; r < rows; r++) blocks.put((g * rows + r) * rowBytes, sideBySide, (r * gates + g) * rowBytes, rowBytes);
        }
    }
}
