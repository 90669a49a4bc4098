package io.spindle.driver.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.Sequential;
import io.spindle.core.config.ConfigException;
import io.spindle.core.data.Dataset;
import io.spindle.core.train.Evaluation;
import io.spindle.driver.run.Storage;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** {@code evaluate MODEL --data PATH [...]}: loss and accuracy (or MSE/MAE/R²) of a saved model on labelled data. */
final class EvaluateCommand extends ModelCommand {
    static final String USAGE = "evaluate MODEL|RUN_DIR --data PATH [--labels PATH] [--format idx|csv|parquet|json|libsvm] [--label-column C]\n"
            + "  [--features-column C[,C...]] [--class-names A,B,...] [--no-header] [--master SPARK_MASTER]";
    private final PrintStream out;

    EvaluateCommand(Storage storage, PrintStream out) {
        super(storage);
        this.out = out;
    }

    int run(String[] argv) throws IOException {
        Args args = Args.parse("evaluate", argv, 1, DATA_OPTIONS, List.of("no-header"));
        if (args.positional.size() != 1) throw new ConfigException("evaluate", "expects one model: " + USAGE);
        Sequential model = loadModel(args.positional.get(0));
        Dataset data = load(dataConfig(args, "evaluate", model), model, args.option("master"));
        InputFit.inputFits(model.network().config().inputShape(), data, "--data", args.option("data"));
        Evaluation e = model.evaluate(data);
        ObjectNode json = new ObjectMapper().createObjectNode().put("samples", e.samples()).put("loss", e.loss());
        if (e.confusion() != null) {
            json.put("accuracy", e.accuracy()).put("macro_f1", e.confusion().macroF1());
            out.println(e.confusion().toString(classNames(args, args.positional.get(0), model)));
        } else {
            json.put("mse", e.regression().mse()).put("mae", e.regression().mae()).put("r2", e.regression().r2());
        }
        out.println(json);
        return 0;
    }
}
