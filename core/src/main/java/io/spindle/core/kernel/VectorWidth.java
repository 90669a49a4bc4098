package io.spindle.core.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one vector shape of every SIMD loop here: 256 bits, eight floats, on every machine. C2 in Java 17 keeps a
 * Vector API call intrinsic only while the JDK code behind it has seen one vector class: once loops of two shapes
 * ran in one JVM (eight-lane sums beside 512-bit element-wise loops on an AVX-512 machine, as in a transformer's
 * step), the later-compiled loops boxed every vector, with garbage per softmax block and many times slower
 * (bench/RESULTS.md, issue 18 attention). Eight lanes are also the order of every sum here ({@link RowLoops}).
 * Names the incubator Vector API: load only after {@link Simd#available()}.
 */
final class VectorWidth {
    static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_256;
    static final VectorSpecies<Integer> INTS = IntVector.SPECIES_256;

    private VectorWidth() {
    }
}
