package com.example.sentiment.ml;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * How many threads each ND4J operation may use. The LSTM runs one small matrix product per time step, which
 * is faster on one thread than split over several (measured: a 948-batch SST-2 epoch took 63 s with one
 * thread and 147 s with two on a 2-core machine); parallelism comes from concurrent requests and batching.
 */
public final class ComputeThreads {

    private ComputeThreads() {
    }

    /** Applies the limit to OpenMP, BLAS and ND4J's own loops; call once at start. */
    public static void limit(int threads) {
        // touching Nd4j first loads the backend, which NativeOpsHolder needs
        Nd4j.getEnvironment().setMaxThreads(threads);
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
    }

    /**
     * Lets a bidirectional model's forward pass run its second direction on an idle core while fewer than
     * {@code cores} passes run (1 or less: never, the default). The service turns it on for its process; the
     * command-line tools leave it off, so that their figures are those of one core.
     */
    public static void lendIdleCores(int cores) {
        SpareCore.cores(cores);
    }
}
