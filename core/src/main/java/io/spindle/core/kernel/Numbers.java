package io.spindle.core.kernel;

import java.nio.ByteBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Element access to an array's memory ({@link Memory#of}) whatever its numeric type: small per-row loops
 * (a loss over [B, C], an arg-max) read and write through this instead of one native call per operation.
 */
public final class Numbers {
    private final INDArray array;   // owns the memory
    private final ByteBuffer memory;
    private final DataType type;
    private final int width;

    private Numbers(INDArray array) {
        this.array = array;
        this.memory = Memory.of(array);
        this.type = array.dataType();
        this.width = array.data().getElementSize();
        if (type != DataType.FLOAT && type != DataType.DOUBLE && type != DataType.INT && type != DataType.LONG) {
            throw new IllegalArgumentException("element access supports FLOAT, DOUBLE, INT32 and INT64 arrays, not " + type);
        }
    }

    /** Access to {@code a}'s elements in c order; a strided array is first copied (writes then miss {@code a}). */
    public static Numbers of(INDArray a) {
        return new Numbers(Memory.isContiguous(a) ? a : a.dup('c'));
    }

    /** Whether this was made for exactly {@code a} (callers keep one per buffer that lives across steps). */
    public boolean isOf(INDArray a) {
        return a == array;
    }

    public double get(int i) {
        int at = i * width;
        return switch (type) {
            case FLOAT -> memory.getFloat(at);
            case DOUBLE -> memory.getDouble(at);
            case INT -> memory.getInt(at);
            default -> memory.getLong(at);
        };
    }

    public void set(int i, double value) {
        int at = i * width;
        switch (type) {
            case FLOAT -> memory.putFloat(at, (float) value);
            case DOUBLE -> memory.putDouble(at, value);
            case INT -> memory.putInt(at, (int) value);
            default -> memory.putLong(at, (long) value);
        }
    }
}
