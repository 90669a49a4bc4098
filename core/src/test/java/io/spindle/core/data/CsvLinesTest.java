package io.spindle.core.data;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A file cut into byte ranges at every possible size: the ranges together read each line exactly once, in order, with
 * its own offset, whatever byte a cut falls on (inside a "\r\n", inside a multi-byte character, on a line's first byte).
 */
class CsvLinesTest {
    private static final String TEXT = "\uFEFFa,b,label\r\n1,2,0\r\n\r\n  \n3.5,é,1\n" + "9,".repeat(300) + "1\n\nlast,no,newline";

    @Test
    void everyCutReadsEachLineOnceInOrder() throws IOException {
        byte[] bytes = TEXT.getBytes(StandardCharsets.UTF_8);
        List<String> whole = linesOf(bytes, 0, bytes.length, new ArrayList<>());
        assertEquals(List.of("a,b,label", "1,2,0", "", "  ", "3.5,é,1", "9,".repeat(300) + "1", "", "last,no,newline"),
                whole.stream().map(l -> l.substring(l.indexOf('|') + 1)).toList());
        for (int size = 1; size <= bytes.length; size++) {
            List<String> cut = new ArrayList<>();
            for (int start = 0; start < bytes.length; start += size) linesOf(bytes, start, Math.min(bytes.length, start + size), cut);
            assertEquals(whole, cut, "ranges of " + size + " bytes");
        }
    }

    @Test
    void aVisitorCanStopEarly() throws IOException {
        byte[] bytes = TEXT.getBytes(StandardCharsets.UTF_8);
        List<String> seen = new ArrayList<>();
        long read = CsvLines.read(new ByteArrayInputStream(bytes), 0, bytes.length, (n, offset, text) -> seen.add(text) && n < 2);
        assertEquals(2, read);
        assertEquals(List.of("a,b,label", "1,2,0"), seen);
    }

    /** Appends "offset|text" for each line that starts in [start, end), read from a stream placed where a reader of that range places it. */
    private static List<String> linesOf(byte[] bytes, int start, int end, List<String> into) throws IOException {
        int from = Math.max(0, start - 1);
        long[] expected = {0};
        CsvLines.read(new ByteArrayInputStream(bytes, from, bytes.length - from), start, end, (n, offset, text) -> {
            assertEquals(++expected[0], n);
            into.add(offset + "|" + text);
            return true;
        });
        return into;
    }
}
