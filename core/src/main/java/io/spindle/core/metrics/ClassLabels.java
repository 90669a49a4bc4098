package io.spindle.core.metrics;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/** Checks and unpacks the class-index labels that classification metrics take: [B] or [B, 1]. */
final class ClassLabels {
    private ClassLabels() {
    }

    /** As {@link #of(INDArray, INDArray, int)} with the class count taken from {@code scores}. */
    static int[] of(INDArray scores, INDArray labels) {
        if (scores.rank() != 2) {
            throw new IllegalArgumentException("scores must be [batch, classes], got " + Arrays.toString(scores.shape()));
        }
        return of(scores, labels, (int) scores.size(1));
    }

    /** Checks {@code scores} is [B, classes] and returns {@code labels} as B class indices in [0, classes). */
    static int[] of(INDArray scores, INDArray labels, int classes) {
        if (scores.rank() != 2 || scores.size(1) != classes) {
            throw new IllegalArgumentException("scores must be [batch, " + classes + "] (one column per class), got "
                    + Arrays.toString(scores.shape()));
        }
        long batch = scores.size(0);
        boolean column = labels.rank() == 2 && labels.size(1) == 1;
        if (!(labels.rank() == 1 || column) || labels.length() != batch) {
            throw new IllegalArgumentException("labels must be class indices [" + batch + "] or [" + batch + ", 1], got "
                    + Arrays.toString(labels.shape()) + " (for one-hot labels pass Nd4j.argMax(labels, 1))");
        }
        double[] v = labels.toDoubleVector();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) out[i] = check(v[i], classes, i);
        return out;
    }

    private static int check(double label, int classes, int row) {
        if (label != Math.rint(label) || label < 0 || label >= classes) {
            throw new IllegalArgumentException("label " + label + " in row " + row + " is not a class index in [0, " + (classes - 1) + "]");
        }
        return (int) label;
    }

    static void checkIndex(String what, int k, int classes) {
        if (k < 0 || k >= classes) throw new IllegalArgumentException(what + " class " + k + " is outside [0, " + (classes - 1) + "]");
    }
}
