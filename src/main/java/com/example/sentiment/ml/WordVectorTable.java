package com.example.sentiment.ml;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pre-computed word vectors, read once per process and shared by every job that starts from them.
 *
 * <p>The compact binary form ({@code .vec}) is memory-mapped rather than parsed, so the 341k-word GloVe
 * file opens in well under a second and its matrix lives outside the heap:
 * <pre>
 *   8 bytes   magic "WORDVEC1"
 *   int32 LE  number of words, int32 LE dimensions
 *   per word  uint16 LE length in bytes, then the word in UTF-8
 *   0-3 zero bytes, so that the matrix starts at a multiple of 4
 *   float32 LE words x dimensions, row by row in word order
 * </pre>
 * Any other file is read as GloVe or word2vec text ({@code word v1 ... vD} per line, an optional
 * {@code count dimensions} first line), which is parsed into memory.
 */
public final class WordVectorTable {

    static final byte[] MAGIC = "WORDVEC1".getBytes(StandardCharsets.US_ASCII);

    private final Map<String, Integer> rows;
    private final FloatBuffer matrix;
    private final int dimensions;

    private WordVectorTable(Map<String, Integer> rows, FloatBuffer matrix, int dimensions) {
        this.rows = rows;
        this.matrix = matrix;
        this.dimensions = dimensions;
    }

    /** Number of words that have a vector. */
    public int size() {
        return rows.size();
    }

    public int dimensions() {
        return dimensions;
    }

    /** Copies the vector of {@code word} into {@code into}; false (and {@code into} untouched) when it has none. */
    public boolean copyVector(String word, float[] into) {
        Integer row = rows.get(word);
        if (row == null) {
            return false;
        }
        // absolute gets: one table serves concurrent jobs
        int base = row * dimensions;
        for (int d = 0; d < dimensions; d++) {
            into[d] = matrix.get(base + d);
        }
        return true;
    }

    /**
     * The words of the first {@code count} rows, in row order: in a file sorted by frequency, as GloVe's are,
     * the {@code count} most frequent words.
     */
    public String[] firstWords(int count) {
        String[] words = new String[Math.min(count, rows.size())];
        rows.forEach((word, row) -> {
            if (row < words.length) {
                words[row] = word;
            }
        });
        return words;
    }

    /**
     * Opens a vectors file, binary or text (see the class description).
     *
     * @throws TrainingFailedException when the file is missing, damaged or empty
     */
    public static WordVectorTable open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new TrainingFailedException("word-vectors file " + file.getFileName() + " is missing");
        }
        try {
            return startsWithMagic(file) ? openBinary(file) : readText(file);
        } catch (java.nio.BufferUnderflowException e) {
            throw new TrainingFailedException("cannot read word-vectors file " + file.getFileName()
                    + ": damaged binary vectors file (cut short)", e);
        } catch (IOException e) {
            throw new TrainingFailedException("cannot read word-vectors file " + file.getFileName() + ": " + e.getMessage(), e);
        }
    }

    private static boolean startsWithMagic(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return java.util.Arrays.equals(in.readNBytes(MAGIC.length), MAGIC);
        }
    }

    private static WordVectorTable openBinary(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long length = channel.size();
            if (length > Integer.MAX_VALUE) {
                throw damaged(file, "larger than 2 GB");
            }
            MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, 0, length);
            map.order(ByteOrder.LITTLE_ENDIAN);
            map.position(MAGIC.length);
            int count = map.getInt();
            int dimensions = map.getInt();
            if (count <= 0 || dimensions <= 0) {
                throw damaged(file, count + " words of " + dimensions + " dimensions");
            }
            Map<String, Integer> rows = new HashMap<>(count * 2);
            byte[] scratch = new byte[65535];
            for (int i = 0; i < count; i++) {
                if (map.remaining() < 2) {
                    throw damaged(file, "the vocabulary is cut short");
                }
                int n = Short.toUnsignedInt(map.getShort());
                if (map.remaining() < n) {
                    throw damaged(file, "the vocabulary is cut short");
                }
                map.get(scratch, 0, n);
                rows.putIfAbsent(new String(scratch, 0, n, StandardCharsets.UTF_8), i);
            }
            int start = (map.position() + 3) & ~3;
            long expected = start + (long) count * dimensions * Float.BYTES;
            if (expected != length) {
                throw damaged(file, "expected " + expected + " bytes, found " + length);
            }
            FloatBuffer matrix = map.position(start).slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            return new WordVectorTable(rows, matrix, dimensions);
        }
    }

    private static IOException damaged(Path file, String why) {
        return new IOException("damaged binary vectors file (" + why + ")");
    }

    private static WordVectorTable readText(Path file) throws IOException {
        Map<String, Integer> rows = new HashMap<>();
        List<float[]> vectors = new ArrayList<>();
        int dimensions = -1;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            boolean first = true;
            while ((line = reader.readLine()) != null) {
                String[] parts = line.trim().split(" +");
                if (first && parts.length == 2 && parts[0].matches("\\d+") && parts[1].matches("\\d+")) {
                    first = false;
                    continue; // word2vec's "count dimensions" header
                }
                first = false;
                if (parts.length < 2) {
                    continue;
                }
                if (dimensions < 0) {
                    dimensions = parts.length - 1;
                } else if (parts.length - 1 != dimensions) {
                    throw new IOException("line for '" + parts[0] + "' has " + (parts.length - 1)
                            + " numbers, earlier lines " + dimensions);
                }
                float[] v = new float[dimensions];
                try {
                    for (int d = 0; d < dimensions; d++) {
                        v[d] = Float.parseFloat(parts[d + 1]);
                    }
                } catch (NumberFormatException e) {
                    throw new IOException("line for '" + parts[0] + "' holds a non-number", e);
                }
                if (rows.putIfAbsent(parts[0], vectors.size()) == null) {
                    vectors.add(v);
                }
            }
        }
        if (vectors.isEmpty()) {
            throw new IOException("no vectors in the file");
        }
        FloatBuffer matrix = FloatBuffer.allocate(vectors.size() * dimensions);
        for (float[] v : vectors) {
            matrix.put(v);
        }
        return new WordVectorTable(rows, matrix, dimensions);
    }

    /** Writes {@code vectors} (insertion order kept) in the binary form. */
    public static void write(Path target, Map<String, float[]> vectors) throws IOException {
        int dimensions = vectors.values().iterator().next().length;
        ByteBuffer matrix = ByteBuffer.allocate(vectors.size() * dimensions * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] v : vectors.values()) {
            if (v.length != dimensions) {
                throw new IllegalArgumentException("vectors of different lengths");
            }
            for (float x : v) {
                matrix.putFloat(x);
            }
        }
        write(target, new ArrayList<>(vectors.keySet()), dimensions,
                new java.io.ByteArrayInputStream(matrix.array()));
    }

    /**
     * Writes the binary form from a word list and their rows as float32 little-endian bytes, through a
     * temporary file renamed into place, so that a reader never sees half a file.
     */
    public static void write(Path target, List<String> words, int dimensions, InputStream matrix) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (OutputStream file = Files.newOutputStream(tmp);
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(file, 1 << 20))) {
            out.write(MAGIC);
            out.writeInt(Integer.reverseBytes(words.size()));
            out.writeInt(Integer.reverseBytes(dimensions));
            for (String word : words) {
                byte[] utf8 = word.getBytes(StandardCharsets.UTF_8);
                if (utf8.length > 65535) {
                    throw new IllegalArgumentException("word longer than 65535 bytes");
                }
                out.writeShort(Short.reverseBytes((short) utf8.length));
                out.write(utf8);
            }
            while (out.size() % 4 != 0) {
                out.write(0);
            }
            long copied = matrix.transferTo(out);
            if (copied != (long) words.size() * dimensions * Float.BYTES) {
                throw new IllegalArgumentException("matrix of " + copied + " bytes for " + words.size() + " words of "
                        + dimensions + " dimensions");
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
