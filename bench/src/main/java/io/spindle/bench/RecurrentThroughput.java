package io.spindle.bench;

import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.Network;
import io.spindle.core.nn.Recurrent;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Locale;

/**
 * Forward + backward of one recurrent layer at the fashion-lstm shape (batch 128, 28 steps of 28
 * features, 128 units), in samples/s and GFLOP/s, with the share its GEMMs alone take at the same
 * shapes; then libnd4j's own lstmLayer + lstmLayer_bp at the same shape, the alternative measured
 * against. Run through {@code bench/run rnn}.
 */
public final class RecurrentThroughput {
    private static final int B = 128, T = 28, F = 28, H = 128;

    public static void main(String[] args) {
        INDArray x = Nd4j.rand(DataType.FLOAT, B, T, F);
        for (Recurrent.Kind kind : Recurrent.Kind.values()) {
            int gates = switch (kind) { case SIMPLE_RNN -> 1; case LSTM -> 4; case GRU -> 3; };
            Network net = Network.initialized(new ModelConfig(new long[] {T, F}, List.of(Recurrent.Config.of(kind, H, false))),
                    42, DataType.FLOAT);
            INDArray dy = Nd4j.rand(DataType.FLOAT, B, H).subi(0.5);
            double ms = best(() -> {
                net.forward(x, true);
                net.backward(dy, true);
            });
            double gemmMs = best(gemms(gates));
            // forward x·W and h·U, backward dW, dU, dX and dh: 3 × (T·B·F·G·H + T·B·H·G·H) multiply-adds
            double flops = 2.0 * 3 * ((double) T * B * F * gates * H + (double) T * B * H * gates * H);
            System.out.printf(Locale.ROOT, "%-10s B=%d T=%d F=%d H=%d, OMP_NUM_THREADS=%s: forward+backward %.2f ms = %,.0f samples/s, %.1f GFLOP/s | GEMMs alone %.2f ms (%.0f%%)%n",
                    kind.name().toLowerCase(Locale.ROOT), B, T, F, H, System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"),
                    ms, 1000.0 * B / ms, flops / ms / 1e6, gemmMs, 100 * gemmMs / ms);
        }
        double fused = best(nativeLstm(x));
        System.out.printf(Locale.ROOT, "libnd4j lstmLayer + lstmLayer_bp, same shape: %.2f ms = %,.0f samples/s%n", fused, 1000.0 * B / fused);
    }

    /** libnd4j's fused LSTM: data format 1 ([B, T, F]), forward only, sigmoid gates, tanh cell and output, last h. */
    private static Runnable nativeLstm(INDArray x) {
        INDArray wx = Nd4j.rand(DataType.FLOAT, F, 4 * H).subi(0.5).muli(0.1), wr = Nd4j.rand(DataType.FLOAT, H, 4 * H).subi(0.5).muli(0.1);
        INDArray b = Nd4j.zeros(DataType.FLOAT, 4 * H), dh = Nd4j.rand(DataType.FLOAT, B, H);
        return () -> {
            Nd4j.exec(DynamicCustomOp.builder("lstmLayer").addInputs(x, wx, wr, b).addIntegerArguments(1, 0, 2, 0, 0)
                    .addBooleanArguments(true, false, false, false, false, false, true, false).addFloatingPointArguments(0.0).build());
            Nd4j.exec(DynamicCustomOp.builder("lstmLayer_bp").addInputs(x, wx, wr, b, dh).addIntegerArguments(1, 0, 2, 0, 0)
                    .addBooleanArguments(true, false, false, false, false, false, true, false).addFloatingPointArguments(0.0).build());
        };
    }

    /** The same GEMMs as the layer: input projection, T recurrent steps, T recurrent backward steps, dW, dU, dX. */
    private static Runnable gemms(int gates) {
        long w = (long) gates * H;
        INDArray x = Nd4j.rand(DataType.FLOAT, T * B, F), kernel = Nd4j.rand(DataType.FLOAT, F, w), u = Nd4j.rand(DataType.FLOAT, H, w);
        INDArray a = Nd4j.rand(DataType.FLOAT, T * B, w), h = Nd4j.rand(DataType.FLOAT, T * B, H);
        INDArray dk = Nd4j.zeros(DataType.FLOAT, F, w), du = Nd4j.zeros(DataType.FLOAT, H, w), dx = Nd4j.zeros(DataType.FLOAT, T * B, F);
        INDArray hs = Nd4j.rand(DataType.FLOAT, B, H), as = Nd4j.rand(DataType.FLOAT, B, w);
        return () -> {
            Nd4j.gemm(x, kernel, a, false, false, 1.0, 0.0);
            for (int t = 0; t < T; t++) Nd4j.gemm(hs, u, as, false, false, 1.0, 1.0);
            for (int t = 0; t < T; t++) Nd4j.gemm(as, u, hs, false, true, 1.0, 1.0);
            Nd4j.gemm(x, a, dk, true, false, 1.0, 1.0);
            Nd4j.gemm(h, a, du, true, false, 1.0, 1.0);
            Nd4j.gemm(a, kernel, dx, false, true, 1.0, 0.0);
        };
    }

    /** Best of 5 rounds of 20 calls, after 10 warm-up calls; ms per call. */
    private static double best(Runnable r) {
        for (int i = 0; i < 10; i++) r.run();
        double best = Double.MAX_VALUE;
        for (int rep = 0; rep < 5; rep++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 20; i++) r.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e6 / 20);
        }
        return best;
    }
}
