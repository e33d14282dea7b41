package com.example.sentiment.ml;

/** For tests outside {@code ml}: whether an encoder of the service has opened its ONNX Runtime session. */
public final class OnnxSessions {

    private OnnxSessions() {
    }

    /** True when {@code encoder} is an ONNX encoder whose session is open. */
    public static boolean isOpen(PretrainedEncoder encoder) {
        return encoder instanceof OnnxEncoder onnx && onnx.sessionOpen();
    }
}
