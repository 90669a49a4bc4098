package io.spindle.core.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD twins of {@link Bfloat16Loops}' loops, lane by lane the same operations, with the tail handed to the
 * scalar loop. Names the incubator Vector API: load only after {@link Simd#available()}. Every vector stays inside
 * one method (C2 boxes vectors passed between methods).
 */
final class VectorBfloat16 {
    private static final VectorSpecies<Float> FLOATS = VectorWidth.FLOATS;
    private static final VectorSpecies<Integer> INTS = VectorWidth.INTS;
    private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_PREFERRED.withShape(
            VectorShape.forBitSize(FLOATS.vectorBitSize() / 2));
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private VectorBfloat16() {
    }

    static void encode(ByteBuffer in, int inFrom, ByteBuffer out, int n) {
        int bound = FLOATS.loopBound(n);
        for (int i = 0; i < bound; i += FLOATS.length()) {
            IntVector bits = FloatVector.fromByteBuffer(FLOATS, in, (inFrom + i) * 4, ORDER).reinterpretAsInts();
            IntVector rounded = bits.add(0x7FFF).add(bits.lanewise(VectorOperators.LSHR, 16).and(1)).lanewise(VectorOperators.LSHR, 16);
            VectorMask<Integer> nan = bits.and(0x7FFFFFFF).compare(VectorOperators.GT, 0x7F800000);
            IntVector half = rounded.blend(bits.lanewise(VectorOperators.LSHR, 16).or(0x40), nan);
            ((ShortVector) half.convertShape(VectorOperators.I2S, SHORTS, 0)).intoByteBuffer(out, i * 2, ORDER);
        }
        Bfloat16Loops.scalarEncode(in, inFrom, out, bound, n);
    }

    static void addInto(ByteBuffer out, int outFrom, ByteBuffer in, int n, float divisor, boolean add) {
        int bound = FLOATS.loopBound(n);
        for (int i = 0; i < bound; i += FLOATS.length()) {
            int at = (outFrom + i) * 4;
            ShortVector half = ShortVector.fromByteBuffer(SHORTS, in, i * 2, ORDER);
            FloatVector value = ((IntVector) half.convertShape(VectorOperators.S2I, INTS, 0))
                    .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            FloatVector sum = add ? FloatVector.fromByteBuffer(FLOATS, out, at, ORDER).add(value) : value;
            (divisor == 1 ? sum : sum.div(divisor)).intoByteBuffer(out, at, ORDER);
        }
        Bfloat16Loops.scalarAddInto(out, outFrom, in, bound, n, divisor, add);
    }

    static void addIntoAndEncode(ByteBuffer out, int outFrom, ByteBuffer in, int n, float divisor, ByteBuffer wire,
                                 int wireFrom, boolean round) {
        int bound = FLOATS.loopBound(n);
        for (int i = 0; i < bound; i += FLOATS.length()) {
            int at = (outFrom + i) * 4;
            ShortVector received = ShortVector.fromByteBuffer(SHORTS, in, i * 2, ORDER);
            FloatVector value = ((IntVector) received.convertShape(VectorOperators.S2I, INTS, 0))
                    .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            FloatVector sum = FloatVector.fromByteBuffer(FLOATS, out, at, ORDER).add(value);
            FloatVector result = divisor == 1 ? sum : sum.div(divisor);
            IntVector bits = result.reinterpretAsInts();
            IntVector rounded = bits.add(0x7FFF).add(bits.lanewise(VectorOperators.LSHR, 16).and(1)).lanewise(VectorOperators.LSHR, 16);
            VectorMask<Integer> nan = bits.and(0x7FFFFFFF).compare(VectorOperators.GT, 0x7F800000);
            IntVector half = rounded.blend(bits.lanewise(VectorOperators.LSHR, 16).or(0x40), nan);
            ((ShortVector) half.convertShape(VectorOperators.I2S, SHORTS, 0)).intoByteBuffer(wire, (wireFrom + i) * 2, ORDER);
            (round ? half.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats() : result).intoByteBuffer(out, at, ORDER);
        }
        Bfloat16Loops.scalarAddIntoAndEncode(out, outFrom, in, bound, n, divisor, wire, wireFrom, round);
    }
}
