package io.spindle.driver.report;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Several runs' jobs side by side, one row per setting ({@code training.batch_size}, {@code model.layers[1].units}):
 * each job flattened to dotted paths, the rows in the order the settings first appear, and whether the runs differ.
 */
final class JobDiff {
    /** A setting's value in each run, as compact JSON text (null: the run's job lacks it). */
    record Row(String path, List<String> values) {
        boolean differs() {
            return values.stream().distinct().count() > 1;
        }
    }

    private JobDiff() {
    }

    /** The rows for {@code jobs} (a null job, from a run without job.json, has no settings). */
    static List<Row> of(List<JsonNode> jobs) {
        List<Map<String, String>> flat = new ArrayList<>();
        Map<String, Boolean> paths = new LinkedHashMap<>();
        for (JsonNode job : jobs) {
            Map<String, String> f = new LinkedHashMap<>();
            if (job != null) flatten("", job, f);
            f.keySet().forEach(p -> paths.put(p, true));
            flat.add(f);
        }
        List<Row> rows = new ArrayList<>();
        for (String p : paths.keySet()) rows.add(new Row(p, flat.stream().map(f -> f.get(p)).toList()));
        return rows;
    }

    /** Objects and arrays of objects open up; a scalar or an array of scalars (class names, a shape) is one value. */
    private static void flatten(String prefix, JsonNode n, Map<String, String> out) {
        if (n.isObject() && n.size() > 0) {
            n.fields().forEachRemaining(e -> flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out));
        } else if (n.isArray() && n.size() > 0 && n.get(0).isContainerNode()) {
            for (int i = 0; i < n.size(); i++) flatten(prefix + "[" + i + "]", n.get(i), out);
        } else {
            out.put(prefix, n.toString());
        }
    }
}
