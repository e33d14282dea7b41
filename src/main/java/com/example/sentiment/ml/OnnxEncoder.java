package com.example.sentiment.ml;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
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

    private final String name;
    private final WordPieceTokenizer tokenizer;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final boolean takesTokenTypes;
    private final int dimension;

    private OnnxEncoder(String name, WordPieceTokenizer tokenizer, OrtEnvironment environment, OrtSession session)
            throws OrtException {
        this.name = name;
        this.tokenizer = tokenizer;
        this.environment = environment;
        this.session = session;
        Set<String> inputs = session.getInputNames();
        if (!inputs.contains(INPUT_IDS) || !inputs.contains(ATTENTION_MASK)) {
            throw new IllegalArgumentException("Encoder " + name + " takes " + inputs + ", not input_ids and attention_mask");
        }
        this.takesTokenTypes = inputs.contains(TOKEN_TYPE_IDS);
        NodeInfo output = session.getOutputInfo().get(OUTPUT);
        if (output == null || !(output.getInfo() instanceof TensorInfo info) || info.getShape().length != 3) {
            throw new IllegalArgumentException("Encoder " + name + " has no last_hidden_state [batch, seq, dim] output, only "
                    + session.getOutputNames());
        }
        long declared = info.getShape()[2];
        // a symbolic width (-1) is learnt from one run
        this.dimension = declared > 0 ? (int) declared : states(List.of(new int[] {tokenizer.startId(), tokenizer.endId()}))[0][0].length;
    }

    /** Opens an encoder from the bytes of its ONNX file (as read from a class-path resource). */
    static OnnxEncoder open(String name, byte[] model, WordPieceTokenizer tokenizer) {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = options()) {
            return create(name, tokenizer, environment, environment.createSession(model, options));
        } catch (OrtException e) {
            throw new IllegalStateException("Encoder " + name + " could not be opened: " + e.getMessage(), e);
        }
    }

    /** Opens an encoder from its ONNX file, which ONNX Runtime reads itself. */
    static OnnxEncoder open(String name, Path model, WordPieceTokenizer tokenizer) {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = options()) {
            return create(name, tokenizer, environment, environment.createSession(model.toString(), options));
        } catch (OrtException e) {
            throw new IllegalStateException("Encoder " + name + " could not be opened from " + model + ": " + e.getMessage(), e);
        }
    }

    private static OnnxEncoder create(String name, WordPieceTokenizer tokenizer, OrtEnvironment environment,
                                      OrtSession session) throws OrtException {
        try {
            return new OnnxEncoder(name, tokenizer, environment, session);
        } catch (RuntimeException | OrtException e) {
            session.close();
            throw e;
        }
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

    @Override
    public int dimension() {
        return dimension;
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
        Integer[] order = IntStream.range(0, pieces.size()).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingInt(i -> pieces.get(i).length));
        float[][][] states = new float[pieces.size()][][];
        for (int from = 0; from < order.length; from += BATCH_SIZE) {
            int[] batch = new int[Math.min(BATCH_SIZE, order.length - from)];
            for (int b = 0; b < batch.length; b++) {
                batch[b] = order[from + b];
            }
            run(pieces, batch, states);
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
    private void run(List<int[]> pieces, int[] batch, float[][][] states) {
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
        try (OnnxTensor idTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape);
             OnnxTensor maskTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape);
             OnnxTensor typeTensor = takesTokenTypes
                     ? OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[ids.length]), shape) : null) {
            Map<String, OnnxTensor> inputs = new HashMap<>();
            inputs.put(INPUT_IDS, idTensor);
            inputs.put(ATTENTION_MASK, maskTensor);
            if (typeTensor != null) {
                inputs.put(TOKEN_TYPE_IDS, typeTensor);
            }
            try (OrtSession.Result result = session.run(inputs, Set.of(OUTPUT))) {
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

    /** Releases the session's native memory; the encoder must not be used afterwards. */
    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("Encoder " + name + " could not be closed: " + e.getMessage(), e);
        }
    }
}
