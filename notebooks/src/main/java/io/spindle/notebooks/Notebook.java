package io.spindle.notebooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A Zeppelin note ({@code .zpln}, Zeppelin 0.9+ JSON): its name and its paragraphs in order. */
public record Notebook(String name, List<Paragraph> paragraphs) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One paragraph. {@code interpreter} is its directive without the {@code %} ({@code spark},
     * {@code md}, {@code spark.sql}, ...), or the note's default group when the text has none;
     * {@code code} is the text after the directive line.
     */
    public record Paragraph(int index, String title, String interpreter, String code) {
        /** "paragraph 3 (Train)" — how failures name it. */
        public String label() {
            return "paragraph " + index + (title == null || title.isBlank() ? "" : " (" + title + ")");
        }

        /** Scala for Zeppelin's Spark interpreter: {@code %spark} or {@code %spark.spark}. */
        public boolean isScala() {
            return interpreter.equals("spark") || interpreter.equals("spark.spark");
        }
    }

    public static Notebook read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + " is not a Zeppelin note: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.path("paragraphs").isArray()) throw new IOException(file + " is not a Zeppelin note: no \"paragraphs\" array");
        String fallback = file.getFileName().toString().replaceFirst("\\.zpln$", "");
        String defaultGroup = root.path("defaultInterpreterGroup").asText("spark");
        List<Paragraph> paragraphs = new ArrayList<>();
        int index = 0;
        for (JsonNode p : root.get("paragraphs")) {
            index++;
            String text = p.path("text").asText("");
            String title = p.path("title").isTextual() ? p.get("title").asText() : null;
            paragraphs.add(parse(index, title, text, defaultGroup));
        }
        return new Notebook(root.path("name").asText(fallback), List.copyOf(paragraphs));
    }

    /** Splits Zeppelin's "%interpreter" directive (the first token of the text) from the code. */
    static Paragraph parse(int index, String title, String text, String defaultGroup) {
        String trimmed = text.stripLeading();
        if (!trimmed.startsWith("%")) return new Paragraph(index, title, defaultGroup, text);
        int end = 1;
        while (end < trimmed.length() && !Character.isWhitespace(trimmed.charAt(end)) && trimmed.charAt(end) != '(') end++;
        String directive = trimmed.substring(1, end);
        // Zeppelin's local properties, e.g. %spark(pool=fast), are options for the interpreter, not code.
        int rest = end;
        if (rest < trimmed.length() && trimmed.charAt(rest) == '(') {
            int close = trimmed.indexOf(')', rest);
            rest = close < 0 ? trimmed.length() : close + 1;
        }
        return new Paragraph(index, title, directive, trimmed.substring(rest));
    }
}
