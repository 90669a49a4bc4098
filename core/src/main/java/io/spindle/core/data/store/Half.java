package io.spindle.core.data.store;

/**
 * IEEE 754 binary16 to and from float32, round to nearest even (Java 17 has no Float.floatToFloat16). NaN keeps
 * its sign and the top of its payload; a finite value beyond the largest half rounds to infinity.
 */
final class Half {
    static final float MAX = 65504f;

    private Half() {
    }

    static float toFloat(short half) {
        int sign = (half & 0x8000) << 16;
        int exp = (half & 0x7c00) >>> 10;
        int mantissa = half & 0x03ff;
        if (exp == 0) {
            // Zero or subnormal: mantissa * 2^-24 is exact in float32.
            float magnitude = mantissa * 0x1p-24f;
            return sign != 0 ? -magnitude : magnitude;
        }
        if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mantissa << 13));
    }

    static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        short sign = (short) ((bits >>> 16) & 0x8000);
        if (Float.isNaN(f)) return (short) (sign | 0x7c00 | 0x0200 | ((bits >>> 13) & 0x03ff));
        float abs = Math.abs(f);
        // At or beyond the midpoint between the largest half and 2^16 rounds to infinity.
        if (abs >= 0x1.ffep15f) return (short) (sign | 0x7c00);
        // At or below half the smallest subnormal rounds to zero (the tie goes to the even zero).
        if (abs <= 0x1p-25f) return sign;
        int exp = Math.getExponent(f);
        int shift = 13;
        int significand = bits & 0x007fffff;
        if (exp < -14) {
            // A subnormal half: the implicit bit becomes explicit and the significand shifts further right.
            shift += -14 - exp;
            exp = -15;
            significand |= 0x00800000;
        }
        int half = significand >>> shift;
        int lsb = significand & (1 << shift);
        int round = significand & (1 << (shift - 1));
        int sticky = significand & ((1 << (shift - 1)) - 1);
        if (round != 0 && (lsb | sticky) != 0) half++;
        // A carry out of the significand moves into the exponent, which is what rounding up should do.
        return (short) (sign | (((exp + 15) << 10) + half));
    }
}
