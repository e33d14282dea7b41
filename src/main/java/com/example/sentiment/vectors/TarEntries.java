package com.example.sentiment.vectors;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Just enough of the tar format to find one file of an npm package: the JDK has no tar reader. */
final class TarEntries {

    private static final int BLOCK = 512;

    private TarEntries() {
    }

    /**
     * Reads headers until the entry named {@code path}, leaving the stream at its first byte (the caller
     * reads the entry's content, which is all that follows for a JSON file). False when it is not there.
     */
    static boolean seek(InputStream tar, String path) throws IOException {
        while (true) {
            byte[] header = tar.readNBytes(BLOCK);
            if (header.length < BLOCK || header[0] == 0) {
                return false;
            }
            String name = field(header, 0, 100);
            // the ustar prefix field, which older formats use for other things
            String prefix = field(header, 257, 5).equals("ustar") ? field(header, 345, 155) : "";
            String full = prefix.isEmpty() ? name : prefix + "/" + name;
            String octal = field(header, 124, 12).trim();
            long size = octal.isEmpty() ? 0 : Long.parseLong(octal, 8);
            if (full.equals(path)) {
                return true;
            }
            long skip = (size + BLOCK - 1) / BLOCK * BLOCK;
            tar.skipNBytes(skip);
        }
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
    }
}
