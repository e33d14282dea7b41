package com.example.sentiment.ml;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Issue 26: the CPU time of one training step of the default network (a fine-tuned embedding of 15,000 x 100,
 * the fused LSTM of 128 units read at the last step, dropout 0.25 and 0.5, Adam 0.002, clipping at 1.0), one
 * thread, on synthetic batches of 64 texts of T, T-1 and T-2 tokens (SST-2 phrases average 9.4). Timed in the
 * thread's CPU time, which a shared machine's other work inflates far less than the wall clock; the PyTorch
 * peer's model runs the same shapes in {@code scripts/peers/train_step_torch.py}. Not a test; the command is in
 * docs/benchmarks.md. Prints one JSON line.
 */
final class TrainingStepProbe {

    private TrainingStepProbe() {
    }

    public static void main(String[] args) {
        ComputeThreads.limit(1);
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 30;
        HyperParameters hp = new HyperParameters(1, 64, 0.002, 100, 128, false, 0.5, 0.25, 100, 1, 50000, 42, 3,
                HyperParameters.Pooling.LAST, null, false, HyperParameters.Engine.FUSED,
                HyperParameters.SelectionMetric.ofSetting("macroF1"));
        int vocabulary = 15000;
        MultiLayerNetwork network = NetworkFactory.create(hp, vocabulary, 2,
                Nd4j.rand(DataType.FLOAT, vocabulary, 100).subi(0.5));
        Random random = new Random(3);
        int[][] sequences = new int[64 * 20][];
        int[] labels = new int[sequences.length];
        for (int i = 0; i < sequences.length; i++) {
            sequences[i] = new int[Math.max(1, steps - random.nextInt(3))];
            for (int t = 0; t < sequences[i].length; t++) {
                sequences[i][t] = 2 + random.nextInt(vocabulary - 2);
            }
            labels[i] = random.nextInt(2);
        }
        SequenceFeatures features = new TokenIds(sequences);
        int[] rows = new int[sequences.length];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i;
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int pass = 0; pass < 2; pass++) {
            long cpu = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            int batches = 0;
            while (System.nanoTime() - start < (pass == 0 ? 5 : seconds) * 1e9) {
                int from = (batches % 20) * 64;
                DataSet batch = SequenceBatch.dataSet(features, labels, null, 2, rows, from, from + 64);
                network.fit(batch);
                batches++;
            }
            if (pass == 1) {
                System.out.printf("{\"case\":\"training-step\",\"T\":%d,\"batches\":%d,\"cpuMsPerBatch\":%.2f,\"wallMsPerBatch\":%.2f}%n",
                        steps, batches, (threads.getCurrentThreadCpuTime() - cpu) / 1e6 / batches,
                        (System.nanoTime() - start) / 1e6 / batches);
            }
        }
    }
}
