package com.example.sentiment.classification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.sentiment.classification.TensorCodec.InferRequest;
import com.example.sentiment.classification.TensorCodec.InputTensor;
import com.example.sentiment.classification.TensorCodec.OutputTensor;
import com.example.sentiment.classification.TensorCodec.RequestedOutput;
import com.example.sentiment.ml.Prediction;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/** The V2 tensors of a text classifier: what a request may carry, and how predictions are laid out. */
class TensorCodecTest {

    private static InputTensor text(List<Long> shape, Object data) {
        return new InputTensor("text", shape, "BYTES", null, data);
    }

    private static InferRequest request(InputTensor... inputs) {
        return new InferRequest(null, null, List.of(inputs), null);
    }

    private static void refused(InferRequest request, String message) {
        assertThatThrownBy(() -> TensorCodec.decode(request)).isInstanceOfSatisfying(ProtocolException.class,
                e -> assertThat(e.status()).isEqualTo(HttpStatus.BAD_REQUEST)).hasMessage(message);
    }

    @Test
    void flatAndNestedDataAreReadRowMajorAndBothOutputsAreTheDefault() {
        TensorCodec.Decoded flat = TensorCodec.decode(request(text(List.of(2L), List.of("good", "bad"))));
        assertThat(flat.texts()).containsExactly("good", "bad");
        assertThat(flat.outputs()).containsExactly("label", "probabilities", "chunks");
        TensorCodec.Decoded nested = TensorCodec.decode(request(text(List.of(3L),
                List.of(List.of("a"), List.of(List.of("b", "c"))))));
        assertThat(nested.texts()).containsExactly("a", "b", "c");
    }

    @Test
    void outputsAreAnsweredInTheOrderAskedAndEachOnce() {
        InferRequest request = new InferRequest("7", null, List.of(text(List.of(1L), List.of("x"))),
                List.of(new RequestedOutput("probabilities", null), new RequestedOutput("label", Map.of()),
                        new RequestedOutput("probabilities", null)));
        assertThat(TensorCodec.decode(request).outputs()).containsExactly("probabilities", "label");
    }

    @Test
    void badTensorsAreRefusedWithWhatIsWrong() {
        refused(new InferRequest(null, null, null, null), "inputs: one input tensor named 'text' is required");
        refused(request(new InputTensor("words", List.of(1L), "BYTES", null, List.of("x"))),
                "unknown input 'words': this model has one input, 'text'");
        refused(request(text(List.of(1L), List.of("x")), text(List.of(1L), List.of("y"))),
                "input 'text' is given 2 times");
        refused(request(new InputTensor("text", List.of(1L), "FP32", null, List.of(1.5))),
                "input 'text' must have datatype BYTES, got 'FP32'");
        refused(request(new InputTensor("text", List.of(1L), null, null, List.of("x"))),
                "input 'text' must have datatype BYTES, got none");
        refused(request(text(List.of(1L, 1L), List.of(List.of("x")))),
                "input 'text' must have shape [N] (one dimension, the number of texts), got [1, 1]");
        refused(request(text(List.of(-1L), List.of("x"))),
                "input 'text' must have shape [N] (one dimension, the number of texts), got [-1]");
        refused(request(text(null, List.of("x"))),
                "input 'text' must have shape [N] (one dimension, the number of texts), got null");
        refused(request(text(Arrays.asList((Long) null), List.of("x"))),
                "input 'text' must have shape [N] (one dimension, the number of texts), got [null]");
        refused(request(text(List.of(2L), List.of("x"))), "input 'text' has shape [2] but 1 data element");
        refused(request(text(List.of(1L), List.of("x", "y", "z"))), "input 'text' has shape [1] but 3 data elements");
        refused(request(text(List.of(1L), List.of(5))), "input 'text' data must be an array of strings, found integer");
        refused(request(text(List.of(1L), null)), "input 'text' data must be an array of strings");
        refused(request(text(List.of(1L), Arrays.asList("x", null))), "input 'text' data must be an array of strings");
        refused(new InferRequest(null, null, List.of(text(List.of(1L), List.of("x"))),
                List.of(new RequestedOutput("logits", null))),
                "unknown output 'logits': the outputs are 'label', 'probabilities', 'chunks' and (multi-label models) 'labels'");
    }

    @Test
    void anUnprintableNameIsNotEchoedAsItIs() {
        InferRequest request = request(new InputTensor("a\nb", List.of(1L), "BYTES", null, List.of("x")));
        assertThatThrownBy(() -> TensorCodec.decode(request)).hasMessageNotContaining("\n");
    }

    @Test
    void probabilitiesAreRowMajorInTheLabelOrder() {
        List<Prediction> predictions = List.of(
                new Prediction("positive", 0.75, Map.of("negative", 0.25, "positive", 0.75), 3, false),
                new Prediction("negative", 0.875, Map.of("negative", 0.875, "positive", 0.125), 2, false));
        List<OutputTensor> both = TensorCodec.encode(List.of("label", "probabilities"), List.of("negative", "positive"),
                predictions);
        assertThat(both.get(0)).isEqualTo(new OutputTensor("label", "BYTES", List.of(2), List.of("positive", "negative")));
        assertThat(both.get(1)).isEqualTo(new OutputTensor("probabilities", "FP32", List.of(2, 2),
                List.of(0.25f, 0.75f, 0.875f, 0.125f)));
        // the columns follow the labels given, whatever the order of the scores
        List<?> swapped = TensorCodec.encode(List.of("probabilities"), List.of("positive", "negative"), predictions)
                .get(0).data();
        assertThat(swapped).isEqualTo(List.of(0.75f, 0.25f, 0.125f, 0.875f));
    }

    @Test
    void theMetadataDescribesTheSameTensors() {
        assertThat(TensorCodec.inputMetadata()).containsExactly(new TensorCodec.TensorMetadata("text", "BYTES", List.of(-1)));
        assertThat(TensorCodec.outputMetadata(5)).containsExactly(
                new TensorCodec.TensorMetadata("label", "BYTES", List.of(-1)),
                new TensorCodec.TensorMetadata("probabilities", "FP32", List.of(-1, 5)),
                new TensorCodec.TensorMetadata("chunks", "INT32", List.of(-1)));
    }

    @Test
    void chunksAreOneIntegerPerText() {
        List<Prediction> predictions = List.of(
                new Prediction("positive", 0.75, Map.of("negative", 0.25, "positive", 0.75), 3, false, 0, 1),
                new Prediction("negative", 0.875, Map.of("negative", 0.875, "positive", 0.125), 900, false, 0, 7));
        assertThat(TensorCodec.encode(List.of("chunks"), List.of("negative", "positive"), predictions))
                .containsExactly(new OutputTensor("chunks", "INT32", List.of(2), List.of(1, 7)));
    }
}
