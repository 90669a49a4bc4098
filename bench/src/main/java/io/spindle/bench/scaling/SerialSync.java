package io.spindle.bench.scaling;

import io.spindle.worker.collective.Collective;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Today's step: one all-reduce of the whole flat gradient buffer once backward has finished. */
final class SerialSync implements GradientSync {
    private final Collective ring;
    private final INDArray gradients;

    SerialSync(Collective ring, INDArray gradients) {
        this.ring = ring;
        this.gradients = gradients;
    }

    @Override
    public void bucketReady(int index) {
        // serial: nothing moves until backward is done
    }

    @Override
    public void finish() {
        ring.allReduceMean(gradients);
    }

    @Override
    public void close() {
    }
}
