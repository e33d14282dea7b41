package com.example.sentiment.ml;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class OpProbe {
    @Test
    void probe() {
        ComputeThreads.limit(1);
        int n = 64, t = 10, e = 100, h = 128;
        INDArray x = Nd4j.rand(DataType.FLOAT, n, t, e);
        FusedLstmPass.Weights w = new FusedLstmPass.Weights(Nd4j.rand(DataType.FLOAT, e, 4 * h).subi(0.5).muli(0.1),
                Nd4j.rand(DataType.FLOAT, h, 4 * h).subi(0.5).muli(0.1), Nd4j.zeros(DataType.FLOAT, 4 * h));
        int[] lengths = new int[n];
        java.util.Arrays.fill(lengths, t);
        INDArray eps = Nd4j.rand(DataType.FLOAT, n, h);
        for (int round = 0; round < 3; round++) {
            long f = 0, b = 0, s = 0;
            int reps = 50;
            for (int i = 0; i < reps; i++) {
                long t0 = System.nanoTime();
                FusedLstmPass pass = new FusedLstmPass(List.of(w), List.of(HyperParameters.Pooling.LAST), x, lengths);
                long t1 = System.nanoTime();
                pass.summary();
                long t2 = System.nanoTime();
                pass.backward(eps);
                long t3 = System.nanoTime();
                f += t1 - t0; s += t2 - t1; b += t3 - t2;
            }
            System.out.printf("OPPROBE fwd %.2f ms, summary %.2f ms, bwd %.2f ms%n", f / 1e6 / reps, s / 1e6 / reps, b / 1e6 / reps);
            long m0 = System.nanoTime();
            INDArray a = Nd4j.rand(DataType.FLOAT, n * t, e);
            for (int i = 0; i < reps; i++) a.mmul(w.input());
            INDArray hh = Nd4j.rand(DataType.FLOAT, n, h);
            long m1 = System.nanoTime();
            for (int i = 0; i < reps * t; i++) hh.mmul(w.recurrent());
            long m2 = System.nanoTime();
            System.out.printf("OPPROBE gemm x*Wx all steps %.2f ms, h*Wr x T %.2f ms%n", (m1 - m0) / 1e6 / reps, (m2 - m1) / 1e6 / reps);
        }
    }
}
