package io.spindle.driver.ml;

/**
 * Hands a uid to a Java subclass of a Spark ML class before its fields are set: Spark's constructors
 * build their Params (featuresCol, thresholds, ...) with {@code uid()} while the subclass's own
 * uid field is still empty, so {@code uid()} reads the pending one of this thread until then.
 */
final class PendingUid {
    private static final ThreadLocal<String> PENDING = new ThreadLocal<>();
    private final String uid;

    private PendingUid(String uid) {
        this.uid = uid;
    }

    /** Call as the argument of {@code this(...)}, so it runs before the superclass constructor. */
    static PendingUid of(String uid) {
        if (uid == null || uid.isEmpty()) throw new IllegalArgumentException("uid: a non-empty string");
        PENDING.set(uid);
        return new PendingUid(uid);
    }

    /** The uid, in the subclass constructor's body, once the superclass constructor is done. */
    String take() {
        PENDING.remove();
        return uid;
    }

    /** The uid of the object under construction on this thread. */
    static String current() {
        String uid = PENDING.get();
        if (uid == null) throw new IllegalStateException("uid() read before the constructor set it");
        return uid;
    }
}
