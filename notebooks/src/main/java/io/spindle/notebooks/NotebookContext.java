package io.spindle.notebooks;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code z} a notebook sees: the part of Zeppelin's ZeppelinContext the notebooks use, with
 * Zeppelin's output conventions. {@code show} prints a DataFrame as a {@code %table} (tab-separated,
 * header first, at most {@code maxResult} rows) so Zeppelin draws it with its chart buttons;
 * {@code put}/{@code get} share objects between paragraphs; {@code textbox} is a form whose value
 * a runner may set (CI points data paths and sizes at small data this way).
 */
public final class NotebookContext {
    private final Map<String, Object> resources = new HashMap<>();
    private final Map<String, String> forms;
    private final int maxResult;

    /** {@code forms}: values for the notebook's textboxes (a textbox not named here shows its default). */
    public NotebookContext(Map<String, String> forms, int maxResult) {
        this.forms = Map.copyOf(forms);
        this.maxResult = maxResult;
    }

    /** Prints a DataFrame as a Zeppelin {@code %table}; anything else as its string. */
    public void show(Object o) {
        show(o, maxResult);
    }

    public void show(Object o, int maxRows) {
        if (!(o instanceof Dataset<?> ds)) {
            scala.Console.out().println(o);
            return;
        }
        Dataset<Row> df = ds.toDF();
        String[] columns = df.columns();
        List<Row> rows = df.takeAsList(maxRows + 1);
        StringBuilder t = new StringBuilder("%table ");
        t.append(String.join("\t", List.of(columns).stream().map(NotebookContext::cell).toList())).append('\n');
        for (Row r : rows.subList(0, Math.min(rows.size(), maxRows))) {
            for (int i = 0; i < columns.length; i++) t.append(i == 0 ? "" : "\t").append(cell(r.get(i)));
            t.append('\n');
        }
        if (rows.size() > maxRows) t.append("\n%html <font color=red>Results are limited by ").append(maxRows).append(".</font>\n");
        scala.Console.out().print(t);
        scala.Console.out().flush();
    }

    /** A cell of a {@code %table}: tabs and newlines would break the table, so they become spaces. */
    private static String cell(Object v) {
        return String.valueOf(v).replace('\t', ' ').replace('\n', ' ');
    }

    public void put(String name, Object value) {
        resources.put(name, value);
    }

    public Object get(String name) {
        return resources.get(name);
    }

    public Object remove(String name) {
        return resources.remove(name);
    }

    public boolean containsKey(String name) {
        return resources.containsKey(name);
    }

    /** A text form: the runner's value for {@code name} when it set one, else {@code defaultValue} (Zeppelin's first rendering). */
    public Object textbox(String name, String defaultValue) {
        return forms.getOrDefault(name, defaultValue);
    }

    public Object textbox(String name) {
        return textbox(name, "");
    }
}
