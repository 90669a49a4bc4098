package io.spindle.driver.run;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;

/** Recognises a write that failed for want of space, and says which file needed how many bytes. */
final class DiskFull {
    private DiskFull() {
    }

    /** ENOSPC on a local disk, or a space quota on HDFS. */
    static boolean is(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains("No space left on device") || m.contains("Disk quota exceeded")
                    || t.getClass().getSimpleName().contains("QuotaExceeded")) return true;
            if (t.getCause() == t) break;
        }
        return false;
    }

    /** The error to report: the file, the bytes it needs (the writer run again into a counter) and what is free. */
    static IOException explain(String uri, Storage.Writer writer, long freeBytes, IOException cause) {
        long needed = measure(writer);
        String need = needed < 0 ? "" : String.format(Locale.ROOT, "; it needs %,d bytes", needed);
        String free = freeBytes < 0 ? "" : String.format(Locale.ROOT, ", %,d are free there", freeBytes);
        return new IOException("cannot write " + uri + ": its file system is full" + need + free
                + " (free some space or write the run elsewhere with --out DIR)", cause);
    }

    private static long measure(Storage.Writer writer) {
        long[] count = {0};
        OutputStream counter = new OutputStream() {
            @Override
            public void write(int b) {
                count[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                count[0] += len;
            }
        };
        try {
            writer.write(counter);
            return count[0];
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
