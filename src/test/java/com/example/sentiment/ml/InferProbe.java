package com.example.sentiment.ml;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

class InferProbe {
    @Test
    void probe() {
        ComputeThreads.limit(1);
        int e = 100, h = 128;
        FusedLstmPass.Weights w = new FusedLstmPass.Weights(Nd4j.rand(DataType.FLOAT, e, 4 * h).subi(0.5).muli(0.1),
                Nd4j.rand(DataType.FLOAT, h, 4 * h).subi(0.5).muli(0.1), Nd4j.zeros(DataType.FLOAT, 4 * h));
        for (int round = 0; round < 2; round++) {
            for (int[] nt : new int[][] {{1, 20}, {8, 20}, {32, 20}, {64, 20}}) {
                int n = nt[0], t = nt[1];
                INDArray x = Nd4j.rand(DataType.FLOAT, n, t, e);
                int reps = Math.max(20, 2000 / n);
                long t0 = System.nanoTime();
                for (int i = 0; i < reps; i++) {
                    INDArray out = Nd4j.create(DataType.FLOAT, n, t, h);
                    Nd4j.exec(DynamicCustomOp.builder("lstmLayer").addInputs(x, w.input(), w.recurrent(), w.bias()).addOutputs(out)
                            .addIntegerArguments(1, 0, 2, 0, 0).addFloatingPointArguments(0.0)
                            .addBooleanArguments(true, false, false, false, false, true, false, false).build());
                }
                long t1 = System.nanoTime();
                for (int i = 0; i < reps; i++) {
                    new LstmRecurrence(x.permute(1, 0, 2).dup('c'), w).outputs();
                }
                long t2 = System.nanoTime();
                INDArray xt = x.permute(1, 0, 2).dup('c');
                for (int i = 0; i < reps; i++) {
                    INDArray out = Nd4j.create(DataType.FLOAT, t, n, h);
                    Nd4j.exec(DynamicCustomOp.builder("lstmLayer").addInputs(xt, w.input(), w.recurrent(), w.bias()).addOutputs(out)
                            .addIntegerArguments(0, 0, 2, 0, 0).addFloatingPointArguments(0.0)
                            .addBooleanArguments(true, false, false, false, false, true, false, false).build());
                }
                long t3 = System.nanoTime();
                System.out.printf("INFERPROBE n=%d T=%d op NTS %.3f ms, hoisted %.3f ms, op TNS %.3f ms%n", n, t, (t1 - t0) / 1e6 / reps, (t2 - t1) / 1e6 / reps, (t3 - t2) / 1e6 / reps);
            }
        }
    }
}
