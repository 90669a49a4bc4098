package io.spindle.core.optim;

import io.spindle.core.testing.TestArrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.NesterovsUpdater;
import org.nd4j.linalg.api.ops.impl.updaters.RmsPropUpdater;
import org.nd4j.linalg.api.ops.impl.updaters.SgdUpdater;
import org.nd4j.linalg.factory.Nd4j;

import static io.spindle.core.optim.OptimizerTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What libnd4j's fused updater ops compute, pinned down element by element (Adam runs its own one-pass
 * {@code AdamKernel}, ~5x faster than adam_updater). nesterovs_updater is exactly Keras' Nesterov but
 * measured slower than composed vectorised ops; rms_prop_updater is not the Keras rule; sgd_updater only scales g. If a libnd4j
 * upgrade changes one of these, this test says which.
 */
class FusedUpdaterSemanticsTest {
    private static final int N = 9;
    private final double[] g = TestArrays.gaussian(1, DataType.DOUBLE, N).toDoubleVector();
    private final double[] s = TestArrays.uniform(2, DataType.DOUBLE, 0, 1e-6, N).toDoubleVector();
    private final double[] m = TestArrays.gaussian(3, DataType.DOUBLE, N).toDoubleVector();

    @Test
    void nesterovsUpdaterIsTheKerasNesterovStep() {
        double lr = 0.1, mu = 0.9;
        INDArray grad = Nd4j.create(g), v = Nd4j.create(m);
        Nd4j.exec(new NesterovsUpdater(grad, v, lr, mu));
        double[] kerasStep = new double[N], v1 = new double[N];
        for (int i = 0; i < N; i++) {
            v1[i] = mu * m[i] - lr * g[i];
            kerasStep[i] = -(mu * v1[i] - lr * g[i]); // the op returns what to subtract
        }
        assertClose(kerasStep, grad.toDoubleVector(), "nesterov step");
        assertClose(v1, v.toDoubleVector(), "velocity");
    }

    @Test
    void rmsPropUpdaterPutsEpsilonOutsideTheRootUnlikeKeras() {
        double lr = 0.01, rho = 0.9, eps = 1e-7;
        INDArray grad = Nd4j.create(g).muli(1e-3), state = Nd4j.create(s);
        double[] small = grad.toDoubleVector();
        Nd4j.exec(new RmsPropUpdater(grad, state, lr, rho, eps));
        double[] s1 = new double[N], fused = new double[N];
        boolean differsFromKeras = false;
        for (int i = 0; i < N; i++) {
            s1[i] = rho * s[i] + (1 - rho) * small[i] * small[i];
            fused[i] = lr * small[i] / (Math.sqrt(s1[i]) + eps);
            double keras = lr * small[i] / Math.sqrt(s1[i] + eps);
            differsFromKeras |= Math.abs(keras - fused[i]) > 1e-3 * Math.abs(keras);
        }
        assertClose(s1, state.toDoubleVector(), "the state update");
        assertClose(fused, grad.toDoubleVector(), "the fused step");
        assertTrue(differsFromKeras, "if this fails the fused step now matches Keras and RmsProp could use it whole");
    }

    @Test
    void sgdUpdaterOnlyScalesTheGradient() {
        INDArray grad = Nd4j.create(g);
        Nd4j.exec(new SgdUpdater(grad, 0.1));
        double[] scaled = new double[N];
        for (int i = 0; i < N; i++) scaled[i] = 0.1 * g[i];
        // A separate params -= update pass would follow; one Axpy does both.
        assertClose(scaled, grad.toDoubleVector(), "sgd step");
    }
}
