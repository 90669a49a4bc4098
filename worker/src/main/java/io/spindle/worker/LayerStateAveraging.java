package io.spindle.worker;

import io.spindle.core.model.LayerState;
import io.spindle.core.model.Network;
import io.spindle.worker.collective.Collective;

/**
 * At each epoch's end, the replicas' layer state (batch norm's running statistics, which come from each rank's own
 * batches) is replaced by its mean, so the model every rank holds is the same. Only for all-reduce plans: parameter
 * averaging has just averaged the whole buffer at the epoch's last step.
 */
final class LayerStateAveraging implements LoopHook {
    private final LayerState state;
    private final Network net;
    private final Collective collective;

    LayerStateAveraging(LayerState state, Network net, Collective collective) {
        this.state = state;
        this.net = net;
        this.collective = collective;
    }

    @Override
    public void settle(EpochRun epoch) {
        collective.allReduceMean(state.gather(net.params()));
        state.scatter(net.params());
    }
}
