package io.spindle.core.nn;

import io.spindle.core.kernel.Activations;
import io.spindle.core.kernel.Elementwise;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Forward and backward of one activation function, both as whole-array native ops.
 * {@code forward} writes act(x) into {@code out}; {@code backward} returns dLoss/dx.
 */
interface Nonlinearity {
    void forward(INDArray x, INDArray out, boolean training);

    /** May overwrite {@code scratch} (same shape as x); returns dLoss/dx. */
    INDArray backward(INDArray x, INDArray gradOut, INDArray scratch);

    /** Adapts one of libnd4j's activations; their backprop overwrites its first argument, hence the scratch copy. */
    static Nonlinearity of(IActivation a) {
        return new Nonlinearity() {
            public void forward(INDArray x, INDArray out, boolean training) {
                out.assign(x);
                INDArray y = a.getActivation(out, training);
                if (y != out) out.assign(y);
            }

            public INDArray backward(INDArray x, INDArray gradOut, INDArray scratch) {
                scratch.assign(x);
                return a.backprop(scratch, gradOut).getFirst();
            }
        };
    }

    /**
     * ReLU as one Java pass each way ({@link Elementwise}) on contiguous arrays; otherwise libnd4j's relu and
     * its fused relu_bp, one pass into the scratch buffer (twice as fast as copy-then-derivative).
     */
    static Nonlinearity relu() {
        Nonlinearity generic = of(new org.nd4j.linalg.activations.impl.ActivationReLU());
        return new Nonlinearity() {
            public void forward(INDArray x, INDArray out, boolean training) {
                if (Elementwise.applies(x, out)) Elementwise.relu(x, out);
                else generic.forward(x, out, training);
            }

            public INDArray backward(INDArray x, INDArray gradOut, INDArray scratch) {
                if (Elementwise.applies(x, gradOut, scratch)) {
                    Elementwise.reluBackward(x, gradOut, scratch);
                } else {
                    Nd4j.exec(org.nd4j.linalg.api.ops.DynamicCustomOp.builder("relu_bp").addInputs(x, gradOut)
                            .addOutputs(scratch).addFloatingPointArguments(0.0).build());
                }
                return scratch;
            }
        };
    }

    /**
     * tanh or the logistic function as one Java pass each way ({@link Activations}) on contiguous float arrays, the
     * backward from the output it kept; otherwise (double precision, views) libnd4j's.
     */
    static Nonlinearity tanhOrSigmoid(boolean tanh) {
        Nonlinearity generic = of(tanh ? new org.nd4j.linalg.activations.impl.ActivationTanH() : new ActivationSigmoid());
        return new Nonlinearity() {
            private INDArray output;   // the last forward's output when the kernel made it

            public void forward(INDArray x, INDArray out, boolean training) {
                output = Activations.applies(x, out) ? out : null;
                if (output == null) generic.forward(x, out, training);
                else if (tanh) Activations.tanh(x, out);
                else Activations.sigmoid(x, out);
            }

            public INDArray backward(INDArray x, INDArray gradOut, INDArray scratch) {
                if (output == null || !Activations.applies(output, gradOut, scratch)) return generic.backward(x, gradOut, scratch);
                if (tanh) Activations.tanhBackward(output, gradOut, scratch); else Activations.sigmoidBackward(output, gradOut, scratch);
                return scratch;
            }
        };
    }

    /**
     * ELU: x for x > 0, α(eˣ − 1) otherwise; derivative 1 or αeˣ. Written here because libnd4j's
     * elu backward ignores α ≠ 1 (our gradient check caught it).
     */
    static Nonlinearity elu(double alpha) {
        return new Nonlinearity() {
            public void forward(INDArray x, INDArray out, boolean training) {
                INDArray neg = Transforms.exp(Transforms.min(x, 0.0, true), false).subi(1.0).muli(alpha);
                out.assign(Transforms.max(x, 0.0, true)).addi(neg);
            }

            public INDArray backward(INDArray x, INDArray gradOut, INDArray scratch) {
                INDArray step = Transforms.step(x);
                INDArray negSlope = Transforms.exp(Transforms.min(x, 0.0, true), false).muli(alpha);
                scratch.assign(step.rsub(1.0).muli(negSlope).addi(step));
                return scratch.muli(gradOut);
            }
        };
    }

    /**
     * GELU in its exact form, x·Φ(x) = ½x(1 + erf(x/√2)), as Keras and PyTorch default to;
     * derivative Φ(x) + x·φ(x). (libnd4j's gelu derivative is of an approximation, off by ~1e-4.)
     */
    static Nonlinearity gelu() {
        double invSqrt2 = 1.0 / Math.sqrt(2.0);
        double invSqrt2Pi = 1.0 / Math.sqrt(2.0 * Math.PI);
        return new Nonlinearity() {
            public void forward(INDArray x, INDArray out, boolean training) {
                out.assign(cdf(x)).muli(x);
            }

            public INDArray backward(INDArray x, INDArray gradOut, INDArray scratch) {
                INDArray pdf = Transforms.exp(x.mul(x).muli(-0.5), false).muli(invSqrt2Pi).muli(x);
                scratch.assign(cdf(x)).addi(pdf);
                return scratch.muli(gradOut);
            }

            private INDArray cdf(INDArray x) {
                INDArray e = x.mul(invSqrt2);
                Nd4j.exec(new Erf(e, e));
                return e.addi(1.0).muli(0.5);
            }
        };
    }
}
