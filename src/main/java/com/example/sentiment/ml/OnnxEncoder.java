package com.example.sentiment.ml;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * A BERT-family encoder exported to ONNX ({@code input_ids}, {@code attention_mask} and, when the graph has it,
 * {@code token_type_ids}, int64 {@code [batch, seq]}; {@code last_hidden_state} float {@code [batch, seq, dim]}),
 * run by ONNX Runtime on the calling thread, with its {@link WordPieceTokenizer}.
 *
 * <p>The ONNX Runtime session is opened by the first {@link #states} call (or by {@link #dimension} when the width
 * is not known beforehand), not when the encoder is made: preparing a job's upload only splits texts into pieces
 * and sizes the network, and should not pay a second and about 100 MB of native memory in the request thread, nor
 * hold them in a process that never runs the encoder.
 *
 * <p>The session is made with one intra-op and one inter-op thread: the service's inference workers and training
 * threads call it from several threads at once (an ONNX Runtime session may be run concurrently), and each call
 * should cost its caller's core, not spread over the cores that the other callers hold.
 */
final class OnnxEncoder implements PretrainedEncoder, AutoCloseable {

    /** Texts per run: a larger batch gains little on one thread and pads more. */
    static final int BATCH_SIZE = 32;
    /** The position embeddings of BERT-family encoders; a longer sequence cannot be run. */
    static final int MAX_POSITIONS = 512;

    private static final String INPUT_IDS = "input_ids";
    private static final String ATTENTION_MASK = "attention_mask";
    private static final String TOKEN_TYPE_IDS = "token_type_ids";
    private static final String OUTPUT = "last_hidden_state";

    /** Makes the encoder's session from its ONNX file; called once, by the first call that needs the session. */
    @FunctionalInterface
    interface Model {
        OrtSession open(OrtEnvironment environment, OrtSession.SessionOptions options) throws OrtException, IOException;
    }

    /** An open session and what was learnt from its graph. */
    private record Session(OrtEnvironment environment, OrtSession session, boolean takesTokenTypes, int dimension) {
    }

    private final String name;
    private final WordPieceTokenizer tokenizer;
    private final Model model;
    private final int knownDimension;
    private final Object lock = new Object();
    private volatile Session session;
    // guarded by lock: a closed encoder opens no new session
    private boolean closed;

    private OnnxEncoder(String name, WordPieceTokenizer tokenizer, int knownDimension, Model model) {
        this.name = name;
        this.tokenizer = tokenizer;
        this.knownDimension = knownDimension;
        this.model = model;
    }

    /**
     * An encoder whose session {@code model} opens when first needed.
     *
     * @param dimension the width of its states when known beforehand (a bundled encoder's), else 0: then
     *                  {@link #dimension} opens the session to read it from the graph. A session whose graph
     *                  disagrees with a known width is refused.
     */
    static OnnxEncoder of(String name, WordPieceTokenizer tokenizer, int dimension, Model model) {
        return new OnnxEncoder(name, tokenizer, dimension, model);
    }

    /** Whether the session has been opened (and not closed since). */
    boolean sessionOpen() {
        return session != null;
    }

    private Session session() {
        Session open = session;
        if (open != null) {
            return open;
        }
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("Encoder " + name + " is closed");
            }
            if (session == null) {
                session = openSession();
            }
            return session;
        }
    }

    private Session openSession() {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession opened;
        try (OrtSession.SessionOptions options = options()) {
            opened = model.open(environment, options);
        } catch (OrtException | IOException e) {
            throw new IllegalStateException("Encoder " + name + " could not be opened: " + e.getMessage(), e);
        }
        try {
            return inspect(environment, opened);
        } catch (OrtException e) {
            closeRefused(opened, e);
            throw new IllegalStateException("Encoder " + name + " could not be opened: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeRefused(opened, e);
            throw e;
        }
    }

    private static void closeRefused(OrtSession refused, Exception why) {
        try {
            refused.close();
        } catch (OrtException e) {
            why.addSuppressed(e);
        }
    }

    /** Checks the graph's inputs and output, and learns the width of its states. */
    private Session inspect(OrtEnvironment environment, OrtSession opened) throws OrtException {
        Set<String> inputs = opened.getInputNames();
        if (!inputs.contains(INPUT_IDS) || !inputs.contains(ATTENTION_MASK)) {
            throw new IllegalArgumentException("Encoder " + name + " takes " + inputs + ", not input_ids and attention_mask");
        }
        boolean takesTokenTypes = inputs.contains(TOKEN_TYPE_IDS);
        NodeInfo output = opened.getOutputInfo().get(OUTPUT);
        if (output == null || !(output.getInfo() instanceof TensorInfo info) || info.getShape().length != 3) {
            throw new IllegalArgumentException("Encoder " + name + " has no last_hidden_state [batch, seq, dim] output, only "
                    + opened.getOutputNames());
        }
        long declared = info.getShape()[2];
        Session inspected = new Session(environment, opened, takesTokenTypes, (int) declared);
        if (declared <= 0) {
            // a symbolic width (-1) is learnt from one run
            float[][][] one = new float[1][][];
            run(inspected, List.of(new int[] {tokenizer.startId(), tokenizer.endId()}), new int[] {0}, one);
            inspected = new Session(environment, opened, takesTokenTypes, one[0][0].length);
        }
        if (knownDimension > 0 && inspected.dimension() != knownDimension) {
            throw new IllegalArgumentException("Encoder " + name + " gives " + inspected.dimension()
                    + " values a piece, not the expected " + knownDimension);
        }
        return inspected;
    }

    private static OrtSession.SessionOptions options() throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        return options;
    }

    @Override
    public String name() {
        return name;
    }

    /** {@inheritDoc} Opens the session when the width was not known beforehand. */
    @Override
    public int dimension() {
        return knownDimension > 0 ? knownDimension : session().dimension();
    }

    /** {@inheritDoc} At most {@value #MAX_POSITIONS} pieces whatever {@code maxPieces} says: the encoder reads no more. */
    @Override
    public int[] pieces(String text, int maxPieces) {
        return tokenizer.encode(text, Math.min(maxPieces, MAX_POSITIONS));
    }

    /**
     * {@inheritDoc}
     *
     * <p>The sequences are sorted by length and run {@value #BATCH_SIZE} at a time, each batch padded to its
     * longest with the attention mask 0 on the padding, so that padding changes no real position's state (exactly
     * so for a float model; an int8 model quantises activations per batch, so its states move slightly with their
     * batch-mates).
     *
     * @throws IllegalArgumentException when a sequence is empty, longer than {@value #MAX_POSITIONS} or holds an id
     *                                  outside the vocabulary
     */
    @Override
    public float[][][] states(List<int[]> pieces) {
        for (int[] sequence : pieces) {
            check(sequence);
        }
        if (pieces.isEmpty()) {
            return new float[0][][];
        }
        Session open = session();
        Integer[] order = IntStream.range(0, pieces.size()).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingInt(i -> pieces.get(i).length));
        float[][][] states = new float[pieces.size()][][];
        for (int from = 0; from < order.length; from += BATCH_SIZE) {
            int[] batch = new int[Math.min(BATCH_SIZE, order.length - from)];
            for (int b = 0; b < batch.length; b++) {
                batch[b] = order[from + b];
            }
            run(open, pieces, batch, states);
        }
        return states;
    }

    private void check(int[] sequence) {
        if (sequence.length == 0 || sequence.length > MAX_POSITIONS) {
            throw new IllegalArgumentException("A piece sequence of encoder " + name + " has 1 to " + MAX_POSITIONS
                    + " pieces, not " + sequence.length);
        }
        for (int id : sequence) {
            if (id < 0 || id >= tokenizer.vocabularySize()) {
                throw new IllegalArgumentException("Piece id " + id + " is outside the vocabulary of encoder " + name
                        + " (" + tokenizer.vocabularySize() + " pieces)");
            }
        }
    }

    /** Runs the sequences {@code batch} (indices into {@code pieces}) as one padded batch into {@code states}. */
    private void run(Session open, List<int[]> pieces, int[] batch, float[][][] states) {
        int length = 0;
        for (int i : batch) {
            length = Math.max(length, pieces.get(i).length);
        }
        long[] ids = new long[batch.length * length];
        long[] mask = new long[batch.length * length];
        Arrays.fill(ids, tokenizer.padId());
        for (int b = 0; b < batch.length; b++) {
            int[] sequence = pieces.get(batch[b]);
            for (int t = 0; t < sequence.length; t++) {
                ids[b * length + t] = sequence[t];
                mask[b * length + t] = 1;
            }
        }
        long[] shape = {batch.length, length};
        OrtEnvironment environment = open.environment();
        try (OnnxTensor idTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape);
             OnnxTensor maskTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape);
             OnnxTensor typeTensor = open.takesTokenTypes()
                     ? OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[ids.length]), shape) : null) {
            Map<String, OnnxTensor> inputs = new HashMap<>();
            inputs.put(INPUT_IDS, idTensor);
            inputs.put(ATTENTION_MASK, maskTensor);
            if (typeTensor != null) {
                inputs.put(TOKEN_TYPE_IDS, typeTensor);
            }
            try (OrtSession.Result result = open.session().run(inputs, Set.of(OUTPUT))) {
                OnnxTensor output = (OnnxTensor) result.get(0);
                long[] outputShape = output.getInfo().getShape();
                int width = (int) outputShape[2];
                FloatBuffer values = output.getFloatBuffer();
                for (int b = 0; b < batch.length; b++) {
                    int[] sequence = pieces.get(batch[b]);
                    float[][] rows = new float[sequence.length][width];
                    for (int t = 0; t < sequence.length; t++) {
                        values.get((b * length + t) * width, rows[t]);
                    }
                    states[batch[b]] = rows;
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException("Encoder " + name + " failed on a batch of " + batch.length + " x "
                    + length + " pieces: " + e.getMessage(), e);
        }
    }

    /** Releases the session's native memory, if it was opened; the encoder must not be used afterwards. */
    @Override
    public void close() {
        Session open;
        synchronized (lock) {
            closed = true;
            open = session;
            session = null;
        }
        if (open != null) {
            try {
                open.session().close();
            } catch (OrtException e) {
                throw new IllegalStateException("Encoder " + name + " could not be closed: " + e.getMessage(), e);
            }
        }
    }
}
