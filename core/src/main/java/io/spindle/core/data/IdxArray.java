package io.spindle.core.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * One IDX array (the MNIST file format) read whole from a stream, gzipped or not: its dimensions
 * and its unsigned-byte payload in row-major order. Layout: {@code 00 00 <type> <ndims>}, then
 * ndims big-endian uint32 sizes, then the values.
 */
record IdxArray(String source, int[] dims, byte[] data) {
    private static final int UNSIGNED_BYTE = 0x08;
    private static final int BUFFER = 1 << 16;
    // The largest byte[] a JVM reliably allocates.
    private static final long MAX_PAYLOAD = Integer.MAX_VALUE - 8;

    /**
     * Reads the whole stream and checks it holds exactly one unsigned-byte array of {@code rank}
     * dimensions; {@code layout} describes them for messages, e.g. "images [count, rows, cols]".
     */
    static IdxArray read(InputStream raw, String source, int rank, String layout) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(raw, BUFFER);
        if (!startsWithGzipMagic(buffered)) return parse(buffered, source, rank, layout);
        try {
            return parse(new GZIPInputStream(buffered, BUFFER), source, rank, layout);
        } catch (ZipException | EOFException e) {
            // Only the inflater throws these: parse() counts bytes itself and never reads past the end.
            throw new DataFormatException(source, "corrupt gzip data (" + e.getMessage() + ")", e);
        }
    }

    /** The stream's IDX bytes, inflated when it is gzipped. */
    static InputStream open(InputStream raw) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(raw, BUFFER);
        return startsWithGzipMagic(buffered) ? new BufferedInputStream(new GZIPInputStream(buffered, BUFFER), BUFFER) : buffered;
    }

    /** Reads the magic number and the dimensions only, leaving {@code in} at the first value. */
    static int[] header(InputStream in, String source, int rank, String layout) throws IOException {
        byte[] magic = in.readNBytes(4);
        checkMagic(magic, source);
        int foundRank = magic[3] & 0xff;
        if (foundRank != rank) {
            throw new DataFormatException(source, "expected " + layout + " with " + rank + " dimension" + plural(rank)
                    + ", found " + foundRank + " dimension" + plural(foundRank) + swappedHint(rank, foundRank));
        }
        return readDims(in, source, rank);
    }

    /** Detects gzip by its magic bytes 1f 8b, not by file name: data read from HDFS may be named anything. */
    private static boolean startsWithGzipMagic(BufferedInputStream in) throws IOException {
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == 0x1f && b1 == 0x8b;
    }

    private static IdxArray parse(InputStream in, String source, int rank, String layout) throws IOException {
        int[] dims = header(in, source, rank, layout);
        byte[] data = readPayload(in, source, payloadLength(dims, source));
        return new IdxArray(source, dims, data);
    }

    private static void checkMagic(byte[] magic, String source) throws DataFormatException {
        if (magic.length < 4) {
            throw new DataFormatException(source, "not an IDX file: it is only " + magic.length + " byte"
                    + plural(magic.length) + " long, shorter than the 4-byte IDX magic number");
        }
        if (magic[0] != 0 || magic[1] != 0) {
            throw new DataFormatException(source, "not an IDX file: an IDX file starts with bytes 00 00 <type> <ndims>,"
                    + " this one starts with " + hexAndText(magic));
        }
        int type = magic[2] & 0xff;
        if (type != UNSIGNED_BYTE) {
            throw new DataFormatException(source, String.format("IDX type code 0x%02x (%s) is not supported;"
                    + " only 0x08 (unsigned byte) is", type, typeName(type)));
        }
    }

    private static int[] readDims(InputStream in, String source, int rank) throws IOException {
        byte[] header = in.readNBytes(4 * rank);
        if (header.length < 4 * rank) {
            throw new DataFormatException(source, "truncated header: expected " + 4 * rank + " bytes of dimension sizes"
                    + " after the magic number, found " + header.length);
        }
        ByteBuffer sizes = ByteBuffer.wrap(header); // big-endian, as IDX is
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) {
            dims[i] = sizes.getInt();
            if (dims[i] <= 0) {
                throw new DataFormatException(source, "dimension " + i + " has size " + Integer.toUnsignedString(dims[i])
                        + "; every dimension must be > 0 and < 2^31");
            }
        }
        return dims;
    }

    private static int payloadLength(int[] dims, String source) throws DataFormatException {
        long n = 1;
        for (int d : dims) {
            n *= d; // both factors are below 2^31, so this cannot overflow before the check
            if (n > MAX_PAYLOAD) {
                throw new DataFormatException(source, "dimensions " + Arrays.toString(dims) + " hold more than "
                        + MAX_PAYLOAD + " values, more than one Java array can hold");
            }
        }
        return (int) n;
    }

    private static byte[] readPayload(InputStream in, String source, int expected) throws IOException {
        // readNBytes grows as data arrives, so a header that lies about its size cannot make us allocate it all.
        byte[] data = in.readNBytes(expected);
        if (data.length < expected) {
            throw new DataFormatException(source, "truncated: expected " + expected
                    + " bytes of data after the header, found " + data.length);
        }
        if (in.read() != -1) {
            long extra = 1 + in.transferTo(OutputStream.nullOutputStream());
            throw new DataFormatException(source, "expected " + expected + " bytes of data after the header, found "
                    + (expected + extra) + " (" + extra + " extra byte" + plural(extra) + " at the end)");
        }
        return data;
    }

    private static String swappedHint(int rank, int foundRank) {
        if (rank == 3 && foundRank == 1) return " (is this a labels file?)";
        if (rank == 1 && foundRank == 3) return " (is this an images file?)";
        return "";
    }

    private static String typeName(int type) {
        return switch (type) {
            case 0x09 -> "signed byte";
            case 0x0b -> "16-bit int";
            case 0x0c -> "32-bit int";
            case 0x0d -> "32-bit float";
            case 0x0e -> "64-bit float";
            default -> "not a known IDX type";
        };
    }

    /** "89 50 4e 47 (".PNG")": the hex says what the bytes are, the text shows a CSV or PNG for what it is. */
    private static String hexAndText(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        StringBuilder text = new StringBuilder();
        for (byte b : bytes) {
            if (!hex.isEmpty()) hex.append(' ');
            hex.append(String.format("%02x", b & 0xff));
            text.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
        }
        return hex + " (\"" + text + "\")";
    }

    private static String plural(long n) {
        return n == 1 ? "" : "s";
    }
}
