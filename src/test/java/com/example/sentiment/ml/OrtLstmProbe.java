package com.example.sentiment.ml;

import ai.onnxruntime.OrtEnvironment;
import com.example.sentiment.dataset.DatasetReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Issue 26's probe, not a test: the bundled model's forward pass on ONNX Runtime's CPU {@code LSTM} operator
 * ({@link OnnxForward}) against the fused {@code lstmLayer} path ({@link FusedLstmForward}), in-process, one
 * thread each, at batch sizes 1, 32 and 256 on SST-2 dev sentences in data order (as {@code bench-model} takes
 * them). Both engines get the same token-id batches (tokenising is outside the timing) and answer each in one
 * call. After a warm-up, each batch size runs alternating blocks (fused, ONNX Runtime, fused, ...), so that a
 * change in the machine's load touches both; it prints every block, then each engine's median texts/s and
 * the ratio ONNX Runtime / fused.
 *
 * <p>Run from the worktree after {@code ./mvnw -B -o -q test-compile} and
 * {@code ./mvnw -B -o -q dependency:build-classpath -Dmdep.outputFile=target/cp.txt}:
 * {@code java -cp target/classes:target/test-classes:$(cat target/cp.txt) com.example.sentiment.ml.OrtLstmProbe
 * [model dir] [dev.csv] [seconds per block] [rounds]}.
 */
public final class OrtLstmProbe {

    private static final int[] BATCH_SIZES = {1, 32, 256};
    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    private OrtLstmProbe() {
    }

    /** A version that reads word ids, loaded without its metadata: its network, and its classifier's fused path. */
    record WordModel(MultiLayerNetwork network, Vocabulary vocabulary, TextClassifier classifier) {

        static WordModel load(Path version) throws java.io.IOException {
            MultiLayerNetwork network = ModelSerializer.restoreMultiLayerNetwork(
                    version.resolve(TextClassifier.NETWORK_FILE).toFile(), false);
            Vocabulary vocabulary = Vocabulary.read(version.resolve(TextClassifier.VOCABULARY_FILE));
            // the labels' names do not matter here, only their number
            List<String> labels = IntStream.range(0, (int) network.layerSize(network.getnLayers() - 1))
                    .mapToObj(Integer::toString).toList();
            // 100 tokens: the bundled model's maxSequenceLength (its metadata.json)
            return new WordModel(network, vocabulary, new TextClassifier(network, vocabulary, labels, 100));
        }

        /** The texts' token ids, as the classifier reads them. */
        int[][] ids(List<String> texts) {
            return texts.stream().map(t -> vocabulary.encode(classifier.tokenize(t), classifier.maxSequenceLength()))
                    .toArray(int[][]::new);
        }
    }

    /** A forward pass over one batch of token-id sequences. */
    private interface Engine {
        void run(int[][] batch) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        Path version = args.length > 0 ? Path.of(args[0])
                : Path.of("models", Files.readString(Path.of("models", "active")).trim());
        Path data = Path.of(args.length > 1 ? args[1] : "/work/shared/datasets/sst2/dev.csv");
        double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 3.0;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        String loadAtStart = Files.readString(Path.of("/proc/loadavg")).trim();
        ComputeThreads.limit(1);

        WordModel model = WordModel.load(version);
        MultiLayerNetwork network = model.network();
        int[][] sequences = model.ids(DatasetReader.texts(data));
        FusedLstmForward fused = model.classifier().fused();

        System.out.printf(Locale.ROOT, "cpu: %s, %d cores; ND4J binary level %s (optimal %s); ONNX Runtime %s%n",
                cpuModel(), Runtime.getRuntime().availableProcessors(),
                levelName(NativeOpsHolder.getInstance().getDeviceNativeOps().binaryLevel()),
                levelName(NativeOpsHolder.getInstance().getDeviceNativeOps().optimalLevel()),
                OrtEnvironment.getEnvironment().getVersion());
        System.out.printf(Locale.ROOT, "model %s, %d SST-2 dev texts (mean %.1f tokens); load average at start: %s"
                + " (a shared machine)%n", version, sequences.length,
                Arrays.stream(sequences).mapToInt(s -> s.length).average().orElse(0), loadAtStart);

        OnnxForward ort = new OnnxForward(List.of(network));
        // the two engines answer alike on the whole dev set, in batches of 32
        float maxDifference = 0;
        for (int from = 0; from < sequences.length; from += 32) {
            int[][] batch = Arrays.copyOfRange(sequences, from, Math.min(sequences.length, from + 32));
            float[][] a = fused.probabilities(batch, rowsOf(batch.length), 0, batch.length);
            float[][] b = ort.probabilities(new TokenIds(batch), rowsOf(batch.length), 0, batch.length);
            for (int r = 0; r < batch.length; r++) {
                for (int c = 0; c < a[r].length; c++) {
                    maxDifference = Math.max(maxDifference, Math.abs(a[r][c] - b[r][c]));
                }
            }
        }
        System.out.printf(Locale.ROOT, "largest |fused - ORT| probability difference on dev: %.2e%n", maxDifference);

        List<String> summary = new ArrayList<>();
        for (int size : BATCH_SIZES) {
            int[] rows = rowsOf(size);
            Engine fusedEngine = batch -> fused.probabilities(batch, rows, 0, batch.length);
            Engine ortEngine = batch -> ort.probabilities(new TokenIds(batch), rows, 0, batch.length);
            // warm-up
            textsPerSecond(fusedEngine, sequences, size, 2.0);
            textsPerSecond(ortEngine, sequences, size, 2.0);
            double[] a = new double[rounds];
            double[] b = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                Block fusedBlock = textsPerSecond(fusedEngine, sequences, size, seconds);
                Block ortBlock = textsPerSecond(ortEngine, sequences, size, seconds);
                a[round] = fusedBlock.textsPerSecond();
                b[round] = ortBlock.textsPerSecond();
                System.out.printf(Locale.ROOT, "batch %3d round %d: fused %,8.0f texts/s (%.2f cores busy), "
                        + "ORT %,8.0f texts/s (%.2f cores busy)%n", size, round + 1, a[round],
                        fusedBlock.cores(), b[round], ortBlock.cores());
            }
            double ma = median(a);
            double mb = median(b);
            summary.add(String.format(Locale.ROOT, "| %d | %,.0f | %,.0f | %.2f | %,.0f-%,.0f | %,.0f-%,.0f |",
                    size, ma, mb, mb / ma, min(a), max(a), min(b), max(b)));
        }
        System.out.println("| batch | fused lstmLayer, median texts/s | ONNX Runtime LSTM, median texts/s | "
                + "ORT / fused | fused range | ORT range |");
        System.out.println("|---|---|---|---|---|---|");
        summary.forEach(System.out::println);
        System.out.println("load average at end: " + Files.readString(Path.of("/proc/loadavg")).trim());
    }

    /**
     * One timed block: texts/s, and the process's CPU time over the wall time (about 1 when the engine keeps to
     * one thread, more if it used another core, less when other processes took the core from it).
     */
    private record Block(double textsPerSecond, double cores) {
    }

    /** Runs {@code engine} on chunks of {@code batch} sequences in data order, round the list. */
    private static Block textsPerSecond(Engine engine, int[][] sequences, int batch, double seconds) throws Exception {
        long cpuStart = PROCESS.getProcessCpuTime();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long done = 0;
        int offset = 0;
        int[][] chunk = new int[batch][];
        long now;
        do {
            for (int i = 0; i < batch; i++) {
                chunk[i] = sequences[(offset + i) % sequences.length];
            }
            offset += batch;
            engine.run(chunk);
            done += batch;
            now = System.nanoTime();
        } while (now < end);
        double wall = (now - start) / 1e9;
        return new Block(done / wall, (PROCESS.getProcessCpuTime() - cpuStart) / 1e9 / wall);
    }

    private static int[] rowsOf(int n) {
        return IntStream.range(0, n).toArray();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double min(double[] values) {
        return Arrays.stream(values).min().orElse(0);
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElse(0);
    }

    private static String cpuModel() throws java.io.IOException {
        return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(System.getProperty("os.arch"));
    }

    // as ND4J's CpuNDArrayFactory names them
    private static String levelName(int level) {
        return switch (level) {
            case 3 -> "AVX512";
            case 2 -> "AVX/AVX2";
            default -> "Generic x86";
        };
    }
}
