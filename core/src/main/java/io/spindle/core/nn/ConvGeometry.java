package io.spindle.core.nn;

import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;

import java.util.List;

/**
 * The spatial arithmetic shared by convolution and pooling (NCHW): kernel, stride, dilation and
 * padding ({@code same}: output = ceil(in / stride); {@code valid}: no padding), and the integer
 * arguments libnd4j's conv2d/maxpool2d/avgpool2d ops take.
 */
record ConvGeometry(int kernelH, int kernelW, int strideH, int strideW, int dilationH, int dilationW, boolean same) {
    static final List<String> PADDINGS = List.of("same", "valid");

    /** {@code defaultStride} 0: the stride defaults to the kernel, axis by axis (pooling, as Keras). */
    static ConvGeometry fromJson(ConfigNode c, String kernelField, int defaultKernel, int defaultStride) {
        int[] k = pair(c, kernelField, defaultKernel);
        int[] s = defaultStride == 0 && !c.has("strides") ? k.clone() : pair(c, "strides", defaultStride);
        int[] d = pair(c, "dilation", 1);
        return new ConvGeometry(k[0], k[1], s[0], s[1], d[0], d[1], c.choice("padding", "valid", PADDINGS).equals("same"));
    }

    /** A square kernel and stride, for the Java builder; {@code padding} is {@code same} or {@code valid}. */
    static ConvGeometry square(int size, int stride, String padding) {
        String p = ConfigNode.normalize(padding);
        if (!PADDINGS.contains(p)) throw new ConfigException("padding", padding, "one of " + PADDINGS);
        if (size < 1 || stride < 1) throw new ConfigException(size < 1 ? "kernel_size" : "strides", Math.min(size, stride), "an integer >= 1");
        return new ConvGeometry(size, size, stride, stride, 1, 1, p.equals("same"));
    }

    /** A field given as one integer or as [h, w]. */
    private static int[] pair(ConfigNode c, String field, int dflt) {
        if (!c.has(field)) {
            if (dflt < 1) throw new ConfigException(c.field(field), "required field is missing; an integer or [height, width]");
            return new int[] {dflt, dflt};
        }
        long[] v = c.shape(field);
        if (v.length > 2 || v[0] > 1024 || v[v.length - 1] > 1024) {
            throw new ConfigException(c.field(field), java.util.Arrays.toString(v), "an integer or [height, width], each in [1, 1024]");
        }
        return new int[] {(int) v[0], (int) v[v.length - 1]};
    }

    void writeJson(com.fasterxml.jackson.databind.node.ObjectNode n, String kernelField) {
        n.putArray(kernelField).add(kernelH).add(kernelW);
        n.putArray("strides").add(strideH).add(strideW);
        n.putArray("dilation").add(dilationH).add(dilationW);
        n.put("padding", same ? "same" : "valid");
    }

    /** Output size along one axis. */
    long out(long in, int kernel, int stride, int dilation) {
        if (same) return (in + stride - 1) / stride;
        long effective = (long) dilation * (kernel - 1) + 1;
        return in < effective ? 0 : (in - effective) / stride + 1;
    }

    long outH(long h) {
        return out(h, kernelH, strideH, dilationH);
    }

    long outW(long w) {
        return out(w, kernelW, strideW, dilationW);
    }

    /**
     * The nine arguments with {@code same}'s top/left padding spelled out, for ops (im2col) that do not derive it:
     * half the total padding, rounded down, the rest going bottom/right — as conv2d pads.
     */
    int[] explicitPaddingArgs(long inH, long inW) {
        int[] a = opArgs();
        if (same) {
            a[4] = (int) Math.max(0, ((outH(inH) - 1) * strideH + (long) (kernelH - 1) * dilationH + 1 - inH) / 2);
            a[5] = (int) Math.max(0, ((outW(inW) - 1) * strideW + (long) (kernelW - 1) * dilationW + 1 - inW) / 2);
        }
        return a;
    }

    /** kH, kW, sH, sW, pH, pW, dH, dW, sameMode — the first nine arguments of every 2-D op. */
    int[] opArgs(int... extra) {
        int[] base = {kernelH, kernelW, strideH, strideW, 0, 0, dilationH, dilationW, same ? 1 : 0};
        int[] all = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }
}
