package com.example.sentiment.ml;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Parameters of a {@link FusedLstm}: per direction the input weights {@code [E, 4H]}, recurrent weights
 * {@code [H, 4H]} and bias {@code [4H]}, gate blocks ordered {@code [input, forget, output, cell]} ({@link LstmRecurrence}),
 * all C-ordered views of the network's flat parameter vector so that the ops read and write them in place.
 * The backward direction's keys carry the prefix {@code b}; a stacked layer's keys after the first carry
 * {@code l<k>} before that ({@code l1W}, {@code l1bW}), so the first layer's keys are those of a one-layer
 * network. Initialised as DL4J's {@code LSTM} is: the configured weight init with fan-in H and fan-out E + H
 * (E the layer's input width), and the forget-gate bias at 1.
 */
final class FusedLstmParams implements ParamInitializer {

    static final FusedLstmParams INSTANCE = new FusedLstmParams();

    static final String INPUT_WEIGHTS = "W";
    static final String RECURRENT_WEIGHTS = "RW";
    static final String BIAS = "b";
    static final String BACKWARD = "b";

    private FusedLstmParams() {
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        FusedLstm lstm = (FusedLstm) layer;
        long h = lstm.getNOut();
        long count = 0;
        for (int l = 0; l < lstm.getLayers(); l++) {
            count += (lstm.isBidirectional() ? 2 : 1) * (lstm.layerInputSize(l) * 4 * h + h * 4 * h + 4 * h);
        }
        return count;
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        List<String> keys = new ArrayList<>();
        for (String prefix : prefixes((FusedLstm) layer)) {
            keys.add(prefix + INPUT_WEIGHTS);
            keys.add(prefix + RECURRENT_WEIGHTS);
            keys.add(prefix + BIAS);
        }
        return keys;
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return paramKeys(layer).stream().filter(k -> isWeightParam(layer, k)).toList();
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return paramKeys(layer).stream().filter(k -> isBiasParam(layer, k)).toList();
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return key.endsWith(INPUT_WEIGHTS) || key.endsWith(RECURRENT_WEIGHTS);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return !isWeightParam(layer, key);
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        FusedLstm lstm = (FusedLstm) conf.getLayer();
        Map<String, INDArray> views = views(lstm, paramsView);
        for (String key : views.keySet()) {
            conf.addVariable(key);
        }
        if (initializeParams) {
            long h = lstm.getNOut();
            for (int l = 0; l < lstm.getLayers(); l++) {
                long e = lstm.layerInputSize(l);
                for (String prefix : prefixes(lstm, l)) {
                    lstm.getWeightInitFn().init(h, e + h, new long[] {e, 4 * h}, 'c', views.get(prefix + INPUT_WEIGHTS));
                    lstm.getWeightInitFn().init(h, e + h, new long[] {h, 4 * h}, 'c', views.get(prefix + RECURRENT_WEIGHTS));
                    INDArray bias = views.get(prefix + BIAS);
                    bias.assign(0);
                    bias.get(NDArrayIndex.interval(h, 2 * h)).assign(lstm.getForgetGateBiasInit());
                }
            }
        }
        return views;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views((FusedLstm) conf.getLayer(), gradientView);
    }

    private static Map<String, INDArray> views(FusedLstm lstm, INDArray flat) {
        long h = lstm.getNOut();
        INDArray vector = flat.reshape(flat.length());
        Map<String, INDArray> views = new LinkedHashMap<>();
        long offset = 0;
        for (String prefix : prefixes(lstm)) {
            long e = lstm.layerInputSize(layerOf(prefix));
            views.put(prefix + INPUT_WEIGHTS, vector.get(NDArrayIndex.interval(offset, offset + e * 4 * h)).reshape('c', e, 4 * h));
            offset += e * 4 * h;
            views.put(prefix + RECURRENT_WEIGHTS, vector.get(NDArrayIndex.interval(offset, offset + h * 4 * h)).reshape('c', h, 4 * h));
            offset += h * 4 * h;
            views.put(prefix + BIAS, vector.get(NDArrayIndex.interval(offset, offset + 4 * h)));
            offset += 4 * h;
        }
        return views;
    }

    /** The parameter-name prefix of every layer's every direction, layer by layer, forward first. */
    static List<String> prefixes(FusedLstm lstm) {
        List<String> prefixes = new ArrayList<>();
        for (int l = 0; l < lstm.getLayers(); l++) {
            prefixes.addAll(prefixes(lstm, l));
        }
        return prefixes;
    }

    /** The parameter-name prefix of each direction of stacked layer {@code layer}, forward first. */
    static List<String> prefixes(FusedLstm lstm, int layer) {
        String stacked = layerPrefix(layer);
        return lstm.isBidirectional() ? List.of(stacked, stacked + BACKWARD) : List.of(stacked);
    }

    /** What the keys of stacked layer {@code layer} start with: nothing for the first. */
    static String layerPrefix(int layer) {
        // no underscore: DL4J's updater reads the layer index from a gradient's key up to its last one
        return layer == 0 ? "" : "l" + layer;
    }

    private static int layerOf(String prefix) {
        if (!prefix.startsWith("l")) {
            return 0;
        }
        int end = 1;
        while (end < prefix.length() && Character.isDigit(prefix.charAt(end))) {
            end++;
        }
        return Integer.parseInt(prefix.substring(1, end));
    }
}
