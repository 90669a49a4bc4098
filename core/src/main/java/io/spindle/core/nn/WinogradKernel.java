package io.spindle.core.nn;

import io.spindle.core.kernel.Memory;
import io.spindle.core.kernel.TileTransform;
import io.spindle.core.kernel.ToomCook;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Stride-1 5×5 convolution of float NCHW images with many channels by Winograd's F(4×4, 5×5) ({@link ToomCook}):
 * each 4×4 block of outputs of a filter comes from an 8×8 input tile with 64 multiplications per channel instead of 400,
 * so the products, one [tiles, C]×[C, F] GEMM per tile position ξ, take 4/25 of a direct convolution's arithmetic
 * (more where the output's sides are not multiples of 4: the last tiles are partly cut off).
 * The backward is the forward's transpose, exact for the forward as computed: dM = A·dY·Aᵀ, dU_ξ = V_ξᵀ·dM_ξ,
 * dW = Gᵀ·dU·G, dV_ξ = dM_ξ·U_ξᵀ, dx = B·dV·Bᵀ added over the overlapping tiles. Tiles are transformed on the heap
 * with the channels innermost (NHWC, a padded copy of the batch); the GEMMs are libnd4j's matmul (oneDNN), which
 * runs these thin products faster than OpenBLAS, each on a view kept with its op context ({@link GemmCall}).
 * Batches go in chunks of up to {@link #CHUNK_IMAGES} images; V of every chunk is kept for dU.
 * Shapes (α = 8, n tiles in a chunk): x [B, C, H, W] → padded [B, Hp, Wp, C]; U [α², C, F]; V [α², n, C] per chunk;
 * M and dM [α², n, F]; dV [α², n, C]; y [B, F, H', W'].
 */
final class WinogradKernel {
    /** Output positions per tile side, and the kernel size this takes. */
    private static final int M = 4, R = 5;
    /**
     * Images per chunk: a training batch of the example jobs in one, so that each GEMM is large against the cost of a
     * libnd4j op call, with the work arrays bounded for large inference batches.
     */
    static final int CHUNK_IMAGES = 64;

    private final int filters;
    private final ConvGeometry geometry;
    private final ToomCook matrices = new ToomCook(M, R);
    private final int alpha = matrices.alpha, positions = alpha * alpha;
    /** Per chunk and position ξ, each bound once to its views: M = V·U, dU = Vᵀ·dM (the first chunk's sets, the others add), dV = dM·Uᵀ. */
    private GemmCall[][] products, weightProducts, inputProducts;
    private long[] inputShape = new long[0];
    private int batch, channels, h, w, outH, outW, padTop, padLeft, tilesH, tilesW, hp, wp, perImage;
    private TileTransform inputTransform, outputTransform, outputBack, inputBack, weightTransform, weightBack;
    private float[] padded, image, block, tilesC, tilesF, outputs, gradOutputs, paddedGrad, weightsHeap, transformedWeights, biasHeap;
    private double[] biasSums;
    private INDArray v, m, dv, u, du;
    /** Per chunk and position ξ: V_ξ [n, C], M_ξ [n, F], dV_ξ [n, C]; per ξ: U_ξ and dU_ξ [C, F]. */
    private INDArray[][] vViews, mViews, dvViews;
    private INDArray[] uViews, duViews;

    WinogradKernel(ConvGeometry geometry, int filters) {
        this.geometry = geometry;
        this.filters = filters;
    }

    /**
     * Whether the kernel takes this layer: a 5×5 kernel at stride 1 without dilation, FLOAT, contiguous arrays, more
     * input channels than the direct kernel takes ({@link ConvKernel#MAX_CHANNELS}), and a batch whose work arrays
     * fit an int index.
     */
    static boolean applies(ConvGeometry g, int filters, INDArray x, INDArray... params) {
        if (g.kernelH() != R || g.kernelW() != R || g.strideH() != 1 || g.strideW() != 1 || g.dilationH() != 1 || g.dilationW() != 1) return false;
        if (x.rank() != 4 || x.dataType() != DataType.FLOAT || !Memory.isContiguous(x) || x.size(1) <= ConvKernel.MAX_CHANNELS) return false;
        for (INDArray p : params) {
            if (p != null && (p.dataType() != DataType.FLOAT || !Memory.isContiguous(p))) return false;
        }
        long tilesH = ceilDiv(g.outH(x.size(2)), M), tilesW = ceilDiv(g.outW(x.size(3)), M), alpha = M + R - 1;
        long tiles = x.size(0) * tilesH * tilesW, widest = Math.max(x.size(1), filters);
        long padded = x.size(0) * (tilesH * M + R - 1) * (tilesW * M + R - 1) * x.size(1);
        return tiles * alpha * alpha * widest <= Integer.MAX_VALUE && padded <= Integer.MAX_VALUE
                && (long) filters * x.size(1) * alpha * alpha <= Integer.MAX_VALUE;
    }

    /** y = conv(x, W) + b, then max(y, 0) when {@code relu}; keeps the padded copy, V and y for {@link #backward}. */
    void forward(INDArray x, INDArray weights, INDArray bias, boolean relu, INDArray y) {
        prepare(x);
        int cf = channels * filters, plane = h * w;
        FloatBuffer in = Memory.of(x).asFloatBuffer();
        for (int s = 0; s < batch; s++) {
            in.get(s * channels * plane, image, 0, channels * plane);
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    int at = ((s * hp + i + padTop) * wp + j + padLeft) * channels, from = i * w + j;
                    for (int c = 0; c < channels; c++) padded[at + c] = image[c * plane + from];
                }
            }
        }
        Memory.of(weights).asFloatBuffer().get(0, weightsHeap, 0, weightsHeap.length);
        weightTransform.apply(weightsHeap, 0, R * cf, cf, transformedWeights, 0, alpha * cf, cf, cf);
        Memory.of(u).asFloatBuffer().put(0, transformedWeights, 0, transformedWeights.length);
        if (bias == null) Arrays.fill(biasHeap, 0f); else Memory.of(bias).asFloatBuffer().get(0, biasHeap, 0, filters);
        FloatBuffer vOut = Memory.of(v).asFloatBuffer(), mIn = Memory.of(m).asFloatBuffer();
        for (int chunk = 0, first = 0; first < batch; chunk++, first += CHUNK_IMAGES) {
            int images = Math.min(CHUNK_IMAGES, batch - first), n = images * perImage;
            transformInput(first, images, n);
            vOut.put(first * perImage * positions * channels, tilesC, 0, positions * n * channels);
            for (int xi = 0; xi < positions; xi++) products[chunk][xi].run(vViews[chunk][xi], uViews[xi], mViews[chunk][xi]);
            mIn.get(0, tilesF, 0, positions * n * filters);
            for (int s = 0; s < images; s++) {
                outputTransform.apply(tilesF, s * perImage * filters, alpha * n * filters, n * filters, block, 0, M * perImage * filters,
                        perImage * filters, perImage * filters);
                storeOutputs(first + s, relu);
            }
        }
        Memory.of(y).asFloatBuffer().put(0, outputs, 0, outputs.length);
    }

    /** One image's outputs, block [a][b][tile][f], into y [B, F, H', W'] with the bias and ReLU. */
    private void storeOutputs(int s, boolean relu) {
        int plane = outH * outW;
        for (int a = 0; a < M; a++) {
            for (int b = 0; b < M; b++) {
                for (int ty = 0; ty < tilesH && ty * M + a < outH; ty++) {
                    for (int tx = 0; tx < tilesW && tx * M + b < outW; tx++) {
                        int from = ((a * M + b) * perImage + ty * tilesW + tx) * filters, to = s * filters * plane + (ty * M + a) * outW + tx * M + b;
                        for (int f = 0; f < filters; f++) {
                            float value = block[from + f] + biasHeap[f];
                            outputs[to + f * plane] = relu ? Math.max(value, 0f) : value;
                        }
                    }
                }
            }
        }
    }

    /** V = Bᵀ·d·B of a chunk's tiles into {@code tilesC} [α², n, C], an image at a time (its tiles gathered into block [i][j][tile][c]). */
    private void transformInput(int first, int images, int n) {
        for (int s = 0; s < images; s++) {
            for (int i = 0; i < alpha; i++) {
                for (int j = 0; j < alpha; j++) {
                    for (int ty = 0; ty < tilesH; ty++) {
                        for (int tx = 0; tx < tilesW; tx++) {
                            System.arraycopy(padded, (((first + s) * hp + ty * M + i) * wp + tx * M + j) * channels,
                                    block, ((i * alpha + j) * perImage + ty * tilesW + tx) * channels, channels);
                        }
                    }
                }
            }
            inputTransform.apply(block, 0, alpha * perImage * channels, perImage * channels, tilesC, s * perImage * channels, alpha * n * channels,
                    n * channels, perImage * channels);
        }
    }

    /**
     * Adds dW (and db, when {@code biasGrad} is given) of the last forward's batch; writes dx when {@code dx} is given.
     * {@code relu}: whether the forward applied ReLU (dy then counts only where its output was positive).
     */
    void backward(INDArray dy, boolean relu, INDArray weightGrad, INDArray biasGrad, INDArray dx) {
        int cf = channels * filters;
        Memory.of(dy).asFloatBuffer().get(0, gradOutputs, 0, gradOutputs.length);
        if (dx != null) Arrays.fill(paddedGrad, 0f);
        FloatBuffer mOut = Memory.of(m).asFloatBuffer(), dvIn = Memory.of(dv).asFloatBuffer();
        for (int chunk = 0, first = 0; first < batch; chunk++, first += CHUNK_IMAGES) {
            int images = Math.min(CHUNK_IMAGES, batch - first), n = images * perImage;
            for (int s = 0; s < images; s++) {
                loadGradients(first + s, relu);
                outputBack.apply(block, 0, M * perImage * filters, perImage * filters, tilesF, s * perImage * filters, alpha * n * filters,
                        n * filters, perImage * filters);
            }
            mOut.put(0, tilesF, 0, positions * n * filters);
            for (int xi = 0; xi < positions; xi++) weightProducts[chunk][xi].run(vViews[chunk][xi], mViews[chunk][xi], duViews[xi]);
            if (dx == null) continue;
            for (int xi = 0; xi < positions; xi++) inputProducts[chunk][xi].run(mViews[chunk][xi], uViews[xi], dvViews[chunk][xi]);
            dvIn.get(0, tilesC, 0, positions * n * channels);
            for (int s = 0; s < images; s++) addInputGradients(first + s, s * perImage, n);
        }
        Memory.of(du).asFloatBuffer().get(0, transformedWeights, 0, transformedWeights.length);
        weightBack.apply(transformedWeights, 0, alpha * cf, cf, weightsHeap, 0, R * cf, cf, cf);
        addInto(weightGrad, weightsHeap);
        if (biasGrad != null) {
            FloatBuffer db = Memory.of(biasGrad).asFloatBuffer();
            for (int f = 0; f < filters; f++) db.put(f, db.get(f) + (float) biasSums[f]);
        }
        Arrays.fill(biasSums, 0);
        if (dx != null) storeInputGradient(dx);
    }

    /** One image's output gradients, zero where ReLU cut or past the output, into block [a][b][tile][f]; db summed. */
    private void loadGradients(int s, boolean relu) {
        int plane = outH * outW;
        for (int a = 0; a < M; a++) {
            for (int b = 0; b < M; b++) {
                for (int ty = 0; ty < tilesH; ty++) {
                    for (int tx = 0; tx < tilesW; tx++) {
                        int to = ((a * M + b) * perImage + ty * tilesW + tx) * filters;
                        if (ty * M + a >= outH || tx * M + b >= outW) {
                            Arrays.fill(block, to, to + filters, 0f);
                            continue;
                        }
                        int from = s * filters * plane + (ty * M + a) * outW + tx * M + b;
                        for (int f = 0; f < filters; f++) {
                            int at = from + f * plane;
                            float g = relu && outputs[at] <= 0 ? 0f : gradOutputs[at];
                            block[to + f] = g;
                            biasSums[f] += g;
                        }
                    }
                }
            }
        }
    }

    /** dx = B·dV·Bᵀ of one image's tiles, added into the padded input gradient [B, Hp, Wp, C] over the tiles' overlaps. */
    private void addInputGradients(int s, int t0, int n) {
        inputBack.apply(tilesC, t0 * channels, alpha * n * channels, n * channels, block, 0, alpha * perImage * channels, perImage * channels,
                perImage * channels);
        for (int i = 0; i < alpha; i++) {
            for (int j = 0; j < alpha; j++) {
                for (int ty = 0; ty < tilesH; ty++) {
                    for (int tx = 0; tx < tilesW; tx++) {
                        int to = ((s * hp + ty * M + i) * wp + tx * M + j) * channels, from = ((i * alpha + j) * perImage + ty * tilesW + tx) * channels;
                        for (int c = 0; c < channels; c++) paddedGrad[to + c] += block[from + c];
                    }
                }
            }
        }
    }

    /** The padded input gradient's interior, NHWC, into dx [B, C, H, W]. */
    private void storeInputGradient(INDArray dx) {
        int plane = h * w;
        FloatBuffer out = Memory.of(dx).asFloatBuffer();
        for (int s = 0; s < batch; s++) {
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    int from = ((s * hp + i + padTop) * wp + j + padLeft) * channels, to = i * w + j;
                    for (int c = 0; c < channels; c++) image[c * plane + to] = paddedGrad[from + c];
                }
            }
            out.put(s * channels * plane, image, 0, channels * plane);
        }
    }

    /** {@code target += values}, element by element in float. */
    private void addInto(INDArray target, float[] values) {
        FloatBuffer t = Memory.of(target).asFloatBuffer();
        t.get(0, transformedWeights, 0, values.length);
        for (int i = 0; i < values.length; i++) transformedWeights[i] += values[i];
        t.put(0, transformedWeights, 0, values.length);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** Sizes the work arrays and the GEMMs' views for this input shape (the padded copies' borders stay 0: only their interiors are written). */
    private void prepare(INDArray x) {
        if (Arrays.equals(inputShape, x.shape())) return;
        inputShape = x.shape();
        batch = (int) x.size(0);
        channels = (int) x.size(1);
        h = (int) x.size(2);
        w = (int) x.size(3);
        outH = (int) geometry.outH(h);
        outW = (int) geometry.outW(w);
        int[] pads = geometry.explicitPaddingArgs(h, w);
        padTop = pads[4];
        padLeft = pads[5];
        tilesH = (int) ceilDiv(outH, M);
        tilesW = (int) ceilDiv(outW, M);
        hp = tilesH * M + R - 1;
        wp = tilesW * M + R - 1;
        perImage = tilesH * tilesW;
        int chunkTiles = Math.min(batch, CHUNK_IMAGES) * perImage, cf = channels * filters, widest = Math.max(channels, filters);
        inputTransform = new TileTransform(matrices.bt, alpha, alpha, perImage * channels);
        outputTransform = new TileTransform(matrices.at, M, alpha, perImage * filters);
        outputBack = new TileTransform(matrices.a, alpha, M, perImage * filters);
        inputBack = new TileTransform(matrices.b, alpha, alpha, perImage * channels);
        weightTransform = new TileTransform(matrices.g, alpha, R, cf);
        weightBack = new TileTransform(matrices.gt, R, alpha, cf);
        padded = new float[batch * hp * wp * channels];
        paddedGrad = new float[padded.length];
        image = new float[channels * h * w];
        block = new float[positions * perImage * widest];
        tilesC = new float[positions * chunkTiles * channels];
        tilesF = new float[positions * chunkTiles * filters];
        outputs = new float[batch * filters * outH * outW];
        gradOutputs = new float[outputs.length];
        weightsHeap = new float[R * R * cf];
        transformedWeights = new float[positions * cf];
        biasHeap = new float[filters];
        biasSums = new double[filters];
        v = Nd4j.createUninitialized(DataType.FLOAT, (long) batch * perImage * positions * channels);
        m = Nd4j.createUninitialized(DataType.FLOAT, (long) chunkTiles * positions * filters);
        dv = Nd4j.createUninitialized(DataType.FLOAT, (long) chunkTiles * positions * channels);
        u = Nd4j.createUninitialized(DataType.FLOAT, (long) positions * cf);
        du = Nd4j.createUninitialized(DataType.FLOAT, (long) positions * cf);
        int chunks = (int) ceilDiv(batch, CHUNK_IMAGES);
        vViews = new INDArray[chunks][positions];
        mViews = new INDArray[chunks][positions];
        dvViews = new INDArray[chunks][positions];
        products = new GemmCall[chunks][positions];
        weightProducts = new GemmCall[chunks][positions];
        inputProducts = new GemmCall[chunks][positions];
        uViews = new INDArray[positions];
        duViews = new INDArray[positions];
        for (int xi = 0; xi < positions; xi++) {
            uViews[xi] = view(u, (long) xi * cf, channels, filters);
            duViews[xi] = view(du, (long) xi * cf, channels, filters);
        }
        for (int chunk = 0; chunk < chunks; chunk++) {
            int n = Math.min(CHUNK_IMAGES, batch - chunk * CHUNK_IMAGES) * perImage;
            long chunkAt = (long) chunk * CHUNK_IMAGES * perImage * positions * channels;
            for (int xi = 0; xi < positions; xi++) {
                vViews[chunk][xi] = view(v, chunkAt + (long) xi * n * channels, n, channels);
                mViews[chunk][xi] = view(m, (long) xi * n * filters, n, filters);
                dvViews[chunk][xi] = view(dv, (long) xi * n * channels, n, channels);
                products[chunk][xi] = new GemmCall(false, false, 1.0, 0.0);
                weightProducts[chunk][xi] = new GemmCall(true, false, 1.0, chunk == 0 ? 0.0 : 1.0);
                inputProducts[chunk][xi] = new GemmCall(false, true, 1.0, 0.0);
            }
        }
    }

    /** A [rows, cols] c-order view of a flat array from an offset. */
    private static INDArray view(INDArray flat, long from, int rows, int cols) {
        return flat.get(NDArrayIndex.interval(from, from + (long) rows * cols)).reshape('c', rows, cols);
    }
}
