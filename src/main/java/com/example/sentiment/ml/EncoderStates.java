package com.example.sentiment.ml;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import org.bytedeco.javacpp.indexer.HalfIndexer;

/**
 * A pretrained encoder's states of every text of a job, computed once and read by every epoch: half precision
 * (2 bytes a value), in segments of one buffer each. When they would take more heap than the job may give them,
 * they are written to a temporary file instead and read through memory mappings, which the operating system
 * pages in and out; the file is deleted once mapped, so nothing is left on disk once the job is done.
 *
 * <p>Read by several threads at once (absolute reads only); written only while it is computed.
 */
final class EncoderStates extends StepVectors {

    // a text never spans two segments; the longest (2,048 pieces of 1,024 values) takes 4 MiB
    static final int SEGMENT_BYTES = 64 << 20;
    // texts given to the encoder at once: its own batching groups them by length within each call
    private static final int TEXTS_PER_CALL = 256;
    // texts an estimate times the encoder on: a fraction of a second for the bundled ones
    static final int SAMPLE_TEXTS = 64;

    private final int[] lengths;
    private final int[] segmentOf;
    private final int[] startOf; // in values (shorts) within the segment
    private final ShortBuffer[] segments;
    private final boolean spilled;

    private EncoderStates(int dimension, int[] lengths, int[] segmentOf, int[] startOf, ShortBuffer[] segments,
                          boolean spilled) {
        super(dimension);
        this.lengths = lengths;
        this.segmentOf = segmentOf;
        this.startOf = startOf;
        this.segments = segments;
        this.spilled = spilled;
    }

    /** Bytes the states of these piece sequences take. */
    static long bytes(int[][] pieces, int dimension) {
        long steps = 0;
        for (int[] p : pieces) {
            steps += p.length;
        }
        return steps * dimension * Short.BYTES;
    }

    /**
     * About how many seconds {@link #compute} takes for these piece sequences: the encoder's time on an even
     * sample of them, scaled by their pieces. One text goes first, untimed, because an encoder's first call opens
     * and prepares its model.
     */
    static double estimatedSeconds(PretrainedEncoder encoder, int[][]... pieces) {
        List<int[]> all = new ArrayList<>();
        for (int[][] part : pieces) {
            all.addAll(Arrays.asList(part));
        }
        if (all.isEmpty()) {
            return 0;
        }
        encoder.states(List.of(all.get(0)));
        int step = Math.max(1, all.size() / SAMPLE_TEXTS);
        List<int[]> sample = new ArrayList<>();
        long samplePieces = 0;
        long totalPieces = 0;
        for (int i = 0; i < all.size(); i++) {
            totalPieces += all.get(i).length;
            if (i % step == 0 && sample.size() < SAMPLE_TEXTS) {
                sample.add(all.get(i));
                samplePieces += all.get(i).length;
            }
        }
        long start = System.nanoTime();
        encoder.states(sample);
        return (System.nanoTime() - start) / 1e9 * totalPieces / Math.max(1, samplePieces);
    }

    /**
     * Runs {@code encoder} over every piece sequence, shortest first, and keeps the states.
     *
     * @param inHeap keep them on the heap; else in a temporary file in {@code spillDirectory}
     * @param encoded told the number of texts done after every call of the encoder
     * @return the states, or null when {@code cancelled} turned true (polled between calls of the encoder)
     */
    static EncoderStates compute(PretrainedEncoder encoder, int[][] pieces, boolean inHeap, Path spillDirectory,
                                 IntConsumer encoded, BooleanSupplier cancelled) {
        int dimension = encoder.dimension();
        int n = pieces.length;
        int[] lengths = new int[n];
        int[] segmentOf = new int[n];
        int[] startOf = new int[n];
        List<Integer> segmentBytes = new ArrayList<>();
        int used = 0;
        for (int i = 0; i < n; i++) {
            lengths[i] = pieces[i].length;
            int bytes = lengths[i] * dimension * Short.BYTES;
            if (segmentBytes.isEmpty() || used + bytes > SEGMENT_BYTES) {
                segmentBytes.add(0);
                used = 0;
            }
            segmentOf[i] = segmentBytes.size() - 1;
            startOf[i] = used / Short.BYTES;
            used += bytes;
            segmentBytes.set(segmentOf[i], used);
        }
        try (Writer writer = inHeap ? new HeapWriter(segmentBytes) : new FileWriter(segmentBytes, spillDirectory)) {
            int[] order = TextClassifier.sortedByLength(lengths);
            ByteBuffer row = ByteBuffer.allocate(0);
            for (int from = 0; from < n; from += TEXTS_PER_CALL) {
                if (cancelled.getAsBoolean()) {
                    return null;
                }
                int to = Math.min(n, from + TEXTS_PER_CALL);
                List<int[]> call = new ArrayList<>(to - from);
                for (int r = from; r < to; r++) {
                    call.add(pieces[order[r]]);
                }
                float[][][] states = encoder.states(call);
                for (int r = from; r < to; r++) {
                    int text = order[r];
                    float[][] steps = states[r - from];
                    if (steps.length != lengths[text]) {
                        throw new IllegalStateException("the encoder gave " + steps.length + " states for "
                                + lengths[text] + " pieces");
                    }
                    int bytes = lengths[text] * dimension * Short.BYTES;
                    if (row.capacity() < bytes) {
                        row = ByteBuffer.allocate(bytes).order(ByteOrder.nativeOrder());
                    }
                    row.clear().limit(bytes);
                    ShortBuffer values = row.asShortBuffer();
                    for (float[] step : steps) {
                        for (int d = 0; d < dimension; d++) {
                            values.put((short) HalfIndexer.fromFloat(step[d]));
                        }
                    }
                    writer.write(segmentOf[text], startOf[text] * (long) Short.BYTES, row);
                }
                encoded.accept(to);
            }
            return new EncoderStates(dimension, lengths, segmentOf, startOf, writer.segments(), !inHeap);
        } catch (IOException e) {
            // the reason without the path, which the job's error would show to its client
            String reason = e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null
                    ? fs.getReason() : e.getMessage();
            throw new TrainingFailedException("could not write the encoder's states to a temporary file: " + reason, e);
        }
    }

    @Override
    public int size() {
        return lengths.length;
    }

    @Override
    public int length(int row) {
        return lengths[row];
    }

    /** Whether the states live in a memory-mapped temporary file rather than on the heap. */
    boolean spilled() {
        return spilled;
    }

    @Override
    void copySteps(int row, float[] into, int offset) {
        int count = lengths[row] * dimension;
        short[] halves = new short[count];
        segments[segmentOf[row]].get(startOf[row], halves);
        for (int i = 0; i < count; i++) {
            into[offset + i] = HalfIndexer.toFloat(halves[i]);
        }
    }

    /** Where the states go while they are computed, and the segments they are read from afterwards. */
    private interface Writer extends AutoCloseable {
        void write(int segment, long byteOffset, ByteBuffer values) throws IOException;

        ShortBuffer[] segments() throws IOException;

        @Override
        void close() throws IOException;
    }

    private static final class HeapWriter implements Writer {
        private final ByteBuffer[] buffers;

        HeapWriter(List<Integer> segmentBytes) {
            buffers = new ByteBuffer[segmentBytes.size()];
            for (int s = 0; s < buffers.length; s++) {
                buffers[s] = ByteBuffer.allocate(segmentBytes.get(s)).order(ByteOrder.nativeOrder());
            }
        }

        @Override
        public void write(int segment, long byteOffset, ByteBuffer values) {
            buffers[segment].put((int) byteOffset, values, 0, values.limit());
        }

        @Override
        public ShortBuffer[] segments() {
            return Arrays.stream(buffers).map(ByteBuffer::asShortBuffer).toArray(ShortBuffer[]::new);
        }

        @Override
        public void close() {
        }
    }

    /**
     * Writes through the file channel (a full disk is then an exception, not a fault of a mapped page), and maps
     * the file read-only once it is complete. The channel deletes the file when closed; the mappings outlive it.
     */
    private static final class FileWriter implements Writer {
        private final List<Integer> segmentBytes;
        private final FileChannel channel;

        FileWriter(List<Integer> segmentBytes, Path directory) throws IOException {
            this.segmentBytes = segmentBytes;
            Path file = Files.createTempFile(directory, "encoder-states-", ".bin");
            this.channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    StandardOpenOption.DELETE_ON_CLOSE);
        }

        @Override
        public void write(int segment, long byteOffset, ByteBuffer values) throws IOException {
            long position = (long) segment * SEGMENT_BYTES + byteOffset;
            values.position(0);
            while (values.hasRemaining()) {
                position += channel.write(values, position);
            }
        }

        @Override
        public ShortBuffer[] segments() throws IOException {
            ShortBuffer[] mapped = new ShortBuffer[segmentBytes.size()];
            for (int s = 0; s < mapped.length; s++) {
                mapped[s] = channel.map(FileChannel.MapMode.READ_ONLY, (long) s * SEGMENT_BYTES, segmentBytes.get(s))
                        .order(ByteOrder.nativeOrder()).asShortBuffer();
            }
            return mapped;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
