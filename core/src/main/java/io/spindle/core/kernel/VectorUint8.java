package io.spindle.core.kernel;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD twin of {@link Uint8Loops#decode}: eight codes widened to ints (masked back to 0..255, the widening
 * extends the sign), converted exactly to floats, divided and offset lane by lane, with the tail handed to the scalar
 * loop. Names the incubator Vector API: load only after {@link Simd#available()}.
 */
final class VectorUint8 {
    private static final VectorSpecies<Float> FLOATS = VectorWidth.FLOATS;
    private static final VectorSpecies<Integer> INTS = VectorWidth.INTS;
    private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_PREFERRED.withShape(
            VectorShape.forBitSize(FLOATS.vectorBitSize() / 4));

    private VectorUint8() {
    }

    static void decode(byte[] in, int inFrom, float[] divisor, float[] offset, float[] out, int outFrom, int n) {
        int bound = FLOATS.loopBound(n);
        for (int j = 0; j < bound; j += FLOATS.length()) {
            IntVector codes = ((IntVector) ByteVector.fromArray(BYTES, in, inFrom + j).convertShape(VectorOperators.B2I, INTS, 0)).and(0xff);
            FloatVector quotient = ((FloatVector) codes.convert(VectorOperators.I2F, 0)).div(FloatVector.fromArray(FLOATS, divisor, j));
            FloatVector.fromArray(FLOATS, offset, j).add(quotient).intoArray(out, outFrom + j);
        }
        Uint8Loops.scalarDecode(in, inFrom, divisor, offset, out, outFrom, bound, n);
    }
}
