package io.spindle.core.train;

import io.spindle.core.Sequential;
import io.spindle.core.data.Dataset;
import io.spindle.core.optim.OptimizerConfig;
import io.spindle.core.testing.FashionMini;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EarlyStoppingTest {

    @Test
    void stopsAfterPatienceAndRestoresTheBestEpoch() throws Exception {
        Dataset train = FashionMini.train().rows(0, 256);
        // min_delta so large that no epoch after the first counts as an improvement.
        EarlyStopping es = new EarlyStopping("loss", 2, 1e9, true);
        Sequential reference = Sequential.builder(784).dense(16, "relu").dense(10).optimizer(OptimizerConfig.adam(1e-3)).seed(3).build();
        reference.fit(train, null, TrainingConfig.of(1, 64, 3), TrainingListener.NONE);

        Sequential model = Sequential.builder(784).dense(16, "relu").dense(10).optimizer(OptimizerConfig.adam(1e-3)).seed(3).build();
        History h = model.fit(train, null, TrainingConfig.of(20, 64, 3).withEarlyStopping(es), TrainingListener.NONE);
        assertTrue(h.stoppedEarly());
        assertEquals(3, h.epochs().size(), "epoch 1 is best, then 2 epochs without improvement");
        assertEquals(1, h.bestEpoch());
        assertArrayEquals(reference.network().params().toFloatVector(), model.network().params().toFloatVector(),
                "parameters of epoch 1 are back");
    }
}
