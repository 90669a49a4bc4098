package io.spindle.bench.scaling;

import io.spindle.worker.collective.Collective;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The lab's own prototype of overlap, a measurement of what it buys (not the training step's overlapped sync):
 * one communication thread all-reduces each bucket with the real ring as soon as backward releases it. Buckets
 * are separate arrays, so the ring reduces them in place without a staging copy; one thread keeps every rank's
 * calls in the same order.
 */
final class OverlapPrototypeSync implements GradientSync {
    private final Collective ring;
    private final List<INDArray> buckets;
    private final ExecutorService comm = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "lab-comm");
        t.setDaemon(true);   // never outlives the worker
        return t;
    });
    private final List<Future<?>> pending = new ArrayList<>();

    OverlapPrototypeSync(Collective ring, List<INDArray> buckets) {
        this.ring = ring;
        this.buckets = buckets;
    }

    @Override
    public void bucketReady(int index) {
        INDArray bucket = buckets.get(index);
        pending.add(comm.submit(() -> ring.allReduceMean(bucket)));
    }

    @Override
    public void finish() {
        try {
            for (Future<?> f : pending) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the communication thread", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            pending.clear();
        }
    }

    @Override
    public void close() {
        comm.shutdownNow();
    }
}
