package io.spindle.driver.cli;

import io.spindle.core.Sequential;
import io.spindle.core.config.ConfigException;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.NamedParameter;
import io.spindle.driver.run.Storage;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code inspect MODEL|RUN_DIR}: every named parameter of a saved model with its shape and statistics
 * (mean, std, min, max); the values of tiny ones (a linear regression's {@code w} and {@code b}) are printed.
 */
final class InspectCommand extends ModelCommand {
    static final String USAGE = "inspect MODEL|RUN_DIR";
    /** Blocks up to this many values are printed whole. */
    static final int TINY = 16;
    private final PrintStream out;

    InspectCommand(Storage storage, PrintStream out) {
        super(storage);
        this.out = out;
    }

    int run(String[] argv) throws IOException {
        Args args = Args.parse("inspect", argv, 1, List.of(), List.of());
        if (args.positional.size() != 1) throw new ConfigException("inspect", "expects one model file or run directory: " + USAGE);
        Sequential model = loadModel(args.positional.get(0));
        ModelConfig cfg = model.network().config();
        out.printf(Locale.ROOT, "inputs %s -> output %s %s, loss %s, %,d parameters%n", cfg.inputs(), cfg.output(),
                Arrays.toString(cfg.outputShape()), model.loss().name(), model.network().numParams());
        int width = Math.max(9, model.parameters().stream().mapToInt(p -> p.name().length()).max().orElse(0));
        out.printf(Locale.ROOT, "%-" + width + "s  %-16s %12s %12s %12s %12s%n", "parameter", "shape", "mean", "std", "min", "max");
        for (NamedParameter p : model.parameters()) {
            INDArray v = model.parameter(p.name()).castTo(DataType.DOUBLE);
            out.printf(Locale.ROOT, "%-" + width + "s  %-16s %12.5g %12.5g %12.5g %12.5g%s%n", p.name(), Arrays.toString(p.shape()),
                    v.meanNumber().doubleValue(), v.stdNumber(false).doubleValue(), v.minNumber().doubleValue(), v.maxNumber().doubleValue(),
                    p.trainable() ? "" : "  (state)");
            if (p.length() <= TINY) out.println(" ".repeat(width + 2) + "= " + values(v));
        }
        return 0;
    }

    private static String values(INDArray v) {
        double[] d = v.reshape(v.length()).toDoubleVector();
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < d.length; i++) b.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.6g", d[i]));
        return b.append(']').toString();
    }
}
