package io.spindle.bench.scaling;

/**
 * A rank's CPU work in the sharded step's ring, in three parts: what scales with the values it reduces (the reduce
 * and cast kernels, per wire format), what scales with the bytes it sends (socket copies, the network stack), and a
 * fixed part per step. A value reduced is one of the (N-1)/N of a bucket a rank receives in its reduce-scatter; its
 * figure covers every kernel pass the value costs in the reduce-scatter and the gather.
 *
 * @param float32NsPerValue kernel time per value reduced with float32 on the wire
 * @param bfloat16NsPerValue kernel time per value reduced with bfloat16 on the wire (adds, casts both ways)
 * @param nsPerByte time per byte sent
 * @param fixedMsPerStep time per step that depends on neither
 */
public record CpuTerms(double float32NsPerValue, double bfloat16NsPerValue, double nsPerByte, double fixedMsPerStep) {

    /** No CPU cost at all: the ideal bound's. */
    public static final CpuTerms NONE = new CpuTerms(0, 0, 0, 0);

    public CpuTerms {
        requireCost("float32NsPerValue", float32NsPerValue);
        requireCost("bfloat16NsPerValue", bfloat16NsPerValue);
        requireCost("nsPerByte", nsPerByte);
        requireCost("fixedMsPerStep", fixedMsPerStep);
    }

    private static void requireCost(String field, double value) {
        if (!(value >= 0 && value < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException(field + " must be finite and >= 0, got " + value);
        }
    }

    /** Kernel time per value reduced, for a wire format of {@code bytesPerValue} bytes (4: float32, 2: bfloat16). */
    public double nsPerValue(int bytesPerValue) {
        return switch (bytesPerValue) {
            case 4 -> float32NsPerValue;
            case 2 -> bfloat16NsPerValue;
            default -> throw new IllegalArgumentException("the lab models float32 (4 bytes) and bfloat16 (2), got "
                    + bytesPerValue + " bytes per value");
        };
    }

    /** The CPU milliseconds of reducing {@code values} values and sending {@code bytes} bytes, fixed part left out. */
    public double ms(double values, double bytes, int bytesPerValue) {
        return (values * nsPerValue(bytesPerValue) + bytes * nsPerByte) * 1e-6;
    }

    public CpuTerms withFixedMsPerStep(double value) {
        return new CpuTerms(float32NsPerValue, bfloat16NsPerValue, nsPerByte, value);
    }
}
