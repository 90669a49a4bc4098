package io.spindle.core.io;

/**
 * Where a model came from: enough to say which data, seed and code produced it.
 * {@code dataFingerprint} is {@link io.spindle.core.data.Dataset#fingerprint()} of the training rows.
 */
public record Provenance(String spindleVersion, long seed, int workers, String dataFingerprint,
                         String createdAt, long steps, int epochs) {
}
