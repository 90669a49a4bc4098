package io.spindle.driver.data;

/**
 * An order-sensitive 64-bit hash of a sequence of lines that any cut of the sequence can compute piecewise: the hash of
 * lines h1..hn is h1·P^(n-1) + … + hn (mod 2^64), so the hash of A then B is hash(A)·P^|B| + hash(B). A CSV source's
 * fingerprint is then the same however many splits read it.
 */
final class RowHash {
    private static final long P = 0x9E3779B97F4A7C15L;   // odd, so multiplying by it loses nothing mod 2^64

    private RowHash() {
    }

    /** The hash of {@code prefix} followed by a run of {@code count} lines whose hash is {@code run}. */
    static long append(long prefix, long run, long count) {
        return prefix * power(count) + run;
    }

    /** A line's own hash: FNV-1a over its characters, then a finalising mix so that near lines differ in every bit. */
    static long of(String line) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < line.length(); i++) h = (h ^ line.charAt(i)) * 0x100000001b3L;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ h >>> 33;
    }

    private static long power(long exponent) {
        long result = 1, base = P;
        for (long e = exponent; e > 0; e >>>= 1) {
            if ((e & 1) != 0) result *= base;
            base *= base;
        }
        return result;
    }
}
