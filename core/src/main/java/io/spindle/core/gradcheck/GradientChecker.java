package io.spindle.core.gradcheck;

import io.spindle.core.loss.Loss;
import io.spindle.core.loss.LossResult;
import io.spindle.core.loss.RowWeights;
import io.spindle.core.model.Network;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.function.DoubleSupplier;
import java.util.function.LongFunction;

/**
 * Compares analytic gradients with central finite differences, (L(θ+ε) − L(θ−ε)) / 2ε, in double
 * precision: every parameter of a network, every input element, or every output of a loss.
 * An element passes when its relative error |a − n| / (|a| + |n|) is below the tolerance or its
 * absolute error is below {@code minAbsError} (both near zero).
 */
public final class GradientChecker {
    private final double epsilon;
    private final double maxRelativeError;
    private final double minAbsError;
    private final Runnable beforeForward;

    /** The outcome: the worst element seen, and how many were checked. */
    public record Result(boolean passed, double worstRelativeError, String worst, int checked) {
        @Override
        public String toString() {
            return (passed ? "passed" : "FAILED") + ": " + checked + " elements, worst relative error "
                    + worstRelativeError + " at " + worst;
        }
    }

    public GradientChecker(double epsilon, double maxRelativeError, double minAbsError, Runnable beforeForward) {
        this.epsilon = epsilon;
        this.maxRelativeError = maxRelativeError;
        this.minAbsError = minAbsError;
        this.beforeForward = beforeForward == null ? () -> { } : beforeForward;
    }

    /** ε = 1e-6, relative tolerance 1e-5, absolute floor 1e-9: tight enough that a wrong factor of 2 fails. */
    public static GradientChecker standard() {
        return new GradientChecker(1e-6, 1e-5, 1e-9, null);
    }

    public GradientChecker withBeforeForward(Runnable hook) {
        return new GradientChecker(epsilon, maxRelativeError, minAbsError, hook);
    }

    /** Checks every parameter gradient of a double-precision network. */
    public Result checkParameters(Network net, Loss loss, INDArray input, INDArray labels) {
        requireDouble(net.params());
        analytic(net, loss, input, labels, false);
        return compare(net.params(), net.grads().dup(), () -> lossAt(net, loss, input, labels),
                i -> net.layout().blockAt(i).label() + " [" + i + "]");
    }

    /** Checks dLoss/dInput of a double-precision network. */
    public Result checkInput(Network net, Loss loss, INDArray input, INDArray labels) {
        requireDouble(input);
        INDArray analytic = analytic(net, loss, input, labels, true).dup();
        return compare(input.reshape(input.length()), analytic.reshape(analytic.length()),
                () -> lossAt(net, loss, input, labels), i -> "input [" + i + "]");
    }

    /** Checks a loss's gradient with respect to the network output it is given. */
    public Result checkLoss(Loss loss, INDArray output, INDArray labels) {
        return checkLoss(loss, output, labels, RowWeights.unweighted(output.size(0)));
    }

    /** Checks a loss's gradient with respect to the network output, its rows weighted by {@code weights}. */
    public Result checkLoss(Loss loss, INDArray output, INDArray labels, RowWeights weights) {
        requireDouble(output);
        INDArray analytic = loss.compute(output, labels, weights).gradient().dup();
        return compare(output.reshape(output.length()), analytic.reshape(analytic.length()),
                () -> loss.compute(output, labels, weights).loss(), i -> "output [" + i + "]");
    }

    /** Nudges each element of {@code variable} (a view of the real one) by ±ε and compares the slope with {@code analytic}. */
    private Result compare(INDArray variable, INDArray analytic, DoubleSupplier lossNow, LongFunction<String> where) {
        Tally tally = new Tally();
        for (long i = 0; i < variable.length(); i++) {
            double saved = variable.getDouble(i);
            variable.putScalar(i, saved + epsilon);
            double plus = lossNow.getAsDouble();
            variable.putScalar(i, saved - epsilon);
            double minus = lossNow.getAsDouble();
            variable.putScalar(i, saved);
            long at = i;
            tally.add(analytic.getDouble(i), (plus - minus) / (2 * epsilon), () -> where.apply(at));
        }
        return tally.result();
    }

    private INDArray analytic(Network net, Loss loss, INDArray input, INDArray labels, boolean inputGradient) {
        beforeForward.run();
        LossResult r = loss.compute(net.forward(input, true), labels);
        return net.backward(r.gradient(), inputGradient);
    }

    private double lossAt(Network net, Loss loss, INDArray input, INDArray labels) {
        beforeForward.run();
        return loss.compute(net.forward(input, true), labels).loss();
    }

    private static void requireDouble(INDArray a) {
        if (a.dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException("gradient checks need double precision, got " + a.dataType());
        }
    }

    private final class Tally {
        private double worstError = 0;
        private String worst = "-";
        private boolean passed = true;
        private int checked = 0;

        void add(double analytic, double numeric, java.util.function.Supplier<String> where) {
            checked++;
            double abs = Math.abs(analytic - numeric);
            double denom = Math.abs(analytic) + Math.abs(numeric);
            double rel = denom == 0 ? 0 : abs / denom;
            boolean ok = rel <= maxRelativeError || abs <= minAbsError;
            if (!ok) passed = false;
            if (rel > worstError && abs > minAbsError) {
                worstError = rel;
                worst = where.get() + " analytic " + analytic + " numeric " + numeric;
            }
        }

        Result result() {
            return new Result(passed, worstError, worst, checked);
        }
    }
}
