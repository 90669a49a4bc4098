package io.spindle.driver.cli;

import io.spindle.core.config.ConfigException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line arguments of one verb: positional arguments, {@code --name value} options
 * (repeatable ones collected in order, e.g. {@code --set}) and {@code --flag}s.
 */
final class Args {
    final List<String> positional = new ArrayList<>();
    private final Map<String, List<String>> options = new LinkedHashMap<>();

    /** Parses {@code args}; {@code valued} lists options that take a value, {@code flags} those that do not. */
    static Args parse(String verb, String[] args, int from, List<String> valued, List<String> flags) {
        Args a = new Args();
        for (int i = from; i < args.length; i++) {
            String s = args[i];
            if (s.startsWith("--")) {
                String name = s.substring(2);
                String value = null;
                int eq = name.indexOf('=');
                if (eq > 0 && !name.startsWith("set")) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (flags.contains(name)) {
                    a.options.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
                } else if (valued.contains(name)) {
                    if (value == null) {
                        if (i + 1 >= args.length) throw new ConfigException(verb + " --" + name, "needs a value");
                        value = args[++i];
                    }
                    a.options.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
                } else {
                    List<String> all = new ArrayList<>();
                    valued.forEach(v -> all.add("--" + v));
                    flags.forEach(f -> all.add("--" + f));
                    throw new ConfigException(verb + " " + s, "unknown option; " + verb + " takes " + all);
                }
            } else {
                a.positional.add(s);
            }
        }
        return a;
    }

    String option(String name) {
        List<String> v = options.get(name);
        return v == null ? null : v.get(v.size() - 1);
    }

    List<String> all(String name) {
        return options.getOrDefault(name, List.of());
    }

    boolean flag(String name) {
        return options.containsKey(name);
    }
}
