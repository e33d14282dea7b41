package com.example.sentiment.ml;

/**
 * What runs a served model's forward pass (setting {@code sentiment.inference.engine}). Training always runs on
 * DL4J; either engine reads the trained network's weights as they are, so every saved version serves on both.
 */
public enum InferenceEngine {
    /**
     * ONNX Runtime's CPU {@code LSTM} operator, on a graph written from the network's weights when the version
     * loads ({@link OnnxForward}): 4 to 26 times the fused path's texts/s in issue 26's probe on a busy
     * machine (docs/benchmarks.md).
     */
    ONNX,
    /** libnd4j's fused {@code lstmLayer} op ({@link FusedLstmForward}), as served before ONNX Runtime. */
    FUSED
}
