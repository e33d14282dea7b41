package com.example.sentiment.ml;

import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

class SpeedProbe {
    @Test
    void probe() {
        ComputeThreads.limit(1);
        int t = Integer.getInteger("probe.t", 10);
        for (String engine : System.getProperty("probe.engines", "FUSED,DL4J,FUSED,DL4J").split(",")) {
            HyperParameters hp = new HyperParameters(1, 64, 0.002, 100, 128, Boolean.getBoolean("probe.bi"), 0.5, 0.25, 100, 1, 50000, 42, 0,
                    HyperParameters.Pooling.LAST, null, false, HyperParameters.Engine.valueOf(engine), null);
            MultiLayerNetwork net = NetworkFactory.create(hp, 15000, 2, null);
            Random random = new Random(1);
            int[][] seqs = new int[64 * 40][];
            int[] labels = new int[seqs.length];
            for (int i = 0; i < seqs.length; i++) {
                seqs[i] = random.ints(Math.max(1, t - 3 + random.nextInt(7)), 1, 15000).toArray();
                labels[i] = random.nextInt(2);
            }
            BucketedDataSetIterator it = new BucketedDataSetIterator(seqs, labels, java.util.List.of("a", "b"), 64, 1, true, () -> false, 1);
            for (int i = 0; i < 10; i++) net.fit(it.next());
            it.reset();
            long start = System.nanoTime();
            int batches = 0;
            long tokens = 0;
            while (it.hasNext()) {
                DataSet ds = it.next();
                tokens += (long) ds.getFeaturesMaskArray().sumNumber().doubleValue();
                net.fit(ds);
                batches++;
            }
            double s = (System.nanoTime() - start) / 1e9;
            System.out.printf("PROBE %s T~%d: %.1f ms/batch, %.0f tokens/s%n", engine, t, 1000 * s / batches, tokens / s);
        }
    }
}
