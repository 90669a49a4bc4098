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
 * The SIMD twins of {@link Float16Loops}' loops, lane by lane the bits of its scalar definitions, with the tail handed
 * to the scalar loop. No branch per value. Decoding: a normal half moves its exponent and mantissa into place and
 * rebiases the exponent by 112 (127 − 15); infinities and NaNs rebias by 112 more, from 31 to float32's all-ones 255;
 * zeros and subnormals are their mantissa times 2^-24, exact in float32. Encoding: a normal result rounds its low 13
 * bits to nearest even by an add and a shift; a result below the smallest normal half is added to 0.5, whose ulp is
 * the subnormal half's, so the float add rounds it; overflow becomes infinity and a NaN keeps its payload's top.
 * Every vector stays inside one method (C2 boxes vectors passed between methods). Names the incubator Vector API:
 * load only after {@link Simd#available()}.
 */
final class VectorFloat16 {
    private static final VectorSpecies<Float> FLOATS = VectorWidth.FLOATS;
    private static final VectorSpecies<Integer> INTS = VectorWidth.INTS;
    private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_PREFERRED.withShape(
            VectorShape.forBitSize(FLOATS.vectorBitSize() / 2));
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final int REBIAS = 112 << 23;
    private static final int SMALLEST_NORMAL = 113 << 23;   // 2^-14 as float bits
    private static final int OVERFLOW = 143 << 23;          // 2^16: at or beyond it rounds to infinity
    private static final int HALF_BITS = 126 << 23;         // 0.5f
    private static final int NORMAL_ROUNDING = -REBIAS + 0xfff;

    private VectorFloat16() {
    }

    static void decode(byte[] in, int inFrom, float[] out, int outFrom, int n) {
        int bound = FLOATS.loopBound(n);
        for (int i = 0; i < bound; i += FLOATS.length()) {
            ShortVector halves = ShortVector.fromByteArray(SHORTS, in, inFrom + 2 * i, ORDER);
            IntVector bits = (IntVector) halves.convertShape(VectorOperators.S2I, INTS, 0);
            IntVector magnitude = bits.and(0x7fff);
            VectorMask<Integer> special = magnitude.compare(VectorOperators.GE, 0x7c00);
            VectorMask<Integer> small = magnitude.compare(VectorOperators.LT, 0x0400);
            IntVector normal = magnitude.lanewise(VectorOperators.LSHL, 13).add(REBIAS).add(REBIAS, special);
            IntVector subnormal = ((FloatVector) magnitude.convert(VectorOperators.I2F, 0)).mul(0x1p-24f).reinterpretAsInts();
            IntVector sign = bits.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            normal.blend(subnormal, small).or(sign).reinterpretAsFloats().intoArray(out, outFrom + i);
        }
        Float16Loops.scalarDecode(in, inFrom, out, outFrom, bound, n);
    }

    static void encode(ByteBuffer in, int inFrom, ByteBuffer out, int n) {
        int bound = FLOATS.loopBound(n);
        for (int i = 0; i < bound; i += FLOATS.length()) {
            IntVector bits = FloatVector.fromByteBuffer(FLOATS, in, (inFrom + i) * 4, ORDER).reinterpretAsInts();
            IntVector abs = bits.and(0x7fffffff);
            IntVector normal = abs.add(NORMAL_ROUNDING).add(abs.lanewise(VectorOperators.LSHR, 13).and(1)).lanewise(VectorOperators.LSHR, 13);
            IntVector subnormal = abs.reinterpretAsFloats().add(0.5f).reinterpretAsInts().sub(HALF_BITS);
            IntVector nan = abs.lanewise(VectorOperators.LSHR, 13).and(0x3ff).or(0x7e00);
            IntVector half = normal.blend(subnormal, abs.compare(VectorOperators.LT, SMALLEST_NORMAL))
                    .blend(0x7c00, abs.compare(VectorOperators.GE, OVERFLOW))
                    .blend(nan, abs.compare(VectorOperators.GT, 0x7f800000))
                    .or(bits.lanewise(VectorOperators.LSHR, 16).and(0x8000));
            ((ShortVector) half.convertShape(VectorOperators.I2S, SHORTS, 0)).intoByteBuffer(out, i * 2, ORDER);
        }
        Float16Loops.scalarEncode(in, inFrom, out, bound, n);
    }

    static void addInto(ByteBuffer out, int outFrom, ByteBuffer in, int n, float divisor, boolean add) {
        int bound = FLOATS.loopBound(n);
        for (int i = 0; i < bound; i += FLOATS.length()) {
            int at = (outFrom + i) * 4;
            IntVector bits = (IntVector) ShortVector.fromByteBuffer(SHORTS, in, i * 2, ORDER).convertShape(VectorOperators.S2I, INTS, 0);
            IntVector magnitude = bits.and(0x7fff);
            IntVector normal = magnitude.lanewise(VectorOperators.LSHL, 13).add(REBIAS)
                    .add(REBIAS, magnitude.compare(VectorOperators.GE, 0x7c00));
            IntVector subnormal = ((FloatVector) magnitude.convert(VectorOperators.I2F, 0)).mul(0x1p-24f).reinterpretAsInts();
            FloatVector value = normal.blend(subnormal, magnitude.compare(VectorOperators.LT, 0x0400))
                    .or(bits.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
            FloatVector sum = add ? FloatVector.fromByteBuffer(FLOATS, out, at, ORDER).add(value) : value;
            (divisor == 1 ? sum : sum.div(divisor)).intoByteBuffer(out, at, ORDER);
        }
        Float16Loops.scalarAddInto(out, outFrom, in, bound, n, divisor, add);
    }

    static void addIntoAndEncode(ByteBuffer out, int outFrom, ByteBuffer in, int n, float divisor, ByteBuffer wire,
                                 int wireFrom, boolean round) {
        int bound = FLOATS.loopBound(n);
        for (int i = 0; i < bound; i += FLOATS.length()) {
            int at = (outFrom + i) * 4;
            IntVector received = (IntVector) ShortVector.fromByteBuffer(SHORTS, in, i * 2, ORDER).convertShape(VectorOperators.S2I, INTS, 0);
            IntVector magnitude = received.and(0x7fff);
            IntVector normalIn = magnitude.lanewise(VectorOperators.LSHL, 13).add(REBIAS)
                    .add(REBIAS, magnitude.compare(VectorOperators.GE, 0x7c00));
            IntVector subnormalIn = ((FloatVector) magnitude.convert(VectorOperators.I2F, 0)).mul(0x1p-24f).reinterpretAsInts();
            FloatVector value = normalIn.blend(subnormalIn, magnitude.compare(VectorOperators.LT, 0x0400))
                    .or(received.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
            FloatVector sum = FloatVector.fromByteBuffer(FLOATS, out, at, ORDER).add(value);
            FloatVector result = divisor == 1 ? sum : sum.div(divisor);
            IntVector bits = result.reinterpretAsInts();
            IntVector abs = bits.and(0x7fffffff);
            IntVector normal = abs.add(NORMAL_ROUNDING).add(abs.lanewise(VectorOperators.LSHR, 13).and(1)).lanewise(VectorOperators.LSHR, 13);
            IntVector subnormal = abs.reinterpretAsFloats().add(0.5f).reinterpretAsInts().sub(HALF_BITS);
            IntVector nan = abs.lanewise(VectorOperators.LSHR, 13).and(0x3ff).or(0x7e00);
            IntVector half = normal.blend(subnormal, abs.compare(VectorOperators.LT, SMALLEST_NORMAL))
                    .blend(0x7c00, abs.compare(VectorOperators.GE, OVERFLOW))
                    .blend(nan, abs.compare(VectorOperators.GT, 0x7f800000))
                    .or(bits.lanewise(VectorOperators.LSHR, 16).and(0x8000));
            ((ShortVector) half.convertShape(VectorOperators.I2S, SHORTS, 0)).intoByteBuffer(wire, (wireFrom + i) * 2, ORDER);
            if (round) {
                IntVector back = half.and(0x7fff);
                IntVector normalBack = back.lanewise(VectorOperators.LSHL, 13).add(REBIAS).add(REBIAS, back.compare(VectorOperators.GE, 0x7c00));
                IntVector subnormalBack = ((FloatVector) back.convert(VectorOperators.I2F, 0)).mul(0x1p-24f).reinterpretAsInts();
                normalBack.blend(subnormalBack, back.compare(VectorOperators.LT, 0x0400)).or(half.and(0x8000).lanewise(VectorOperators.LSHL, 16))
                        .reinterpretAsFloats().intoByteBuffer(out, at, ORDER);
            } else {
                result.intoByteBuffer(out, at, ORDER);
            }
        }
        Float16Loops.scalarAddIntoAndEncode(out, outFrom, in, bound, n, divisor, wire, wireFrom, round);
    }
}
