package com.example.sentiment.ml;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EncoderPiecesTest {

    @Test
    void theUnknownWordOfAMaskedCopyReachesTheEncoderAsItsMaskPiece() {
        assertThat(EncoderPieces.joined(List.of("a", Vocabulary.UNKNOWN, "film", "."))).isEqualTo("a [MASK] film .");

        try (EncoderCatalogue catalogue = new EncoderCatalogue(null)) {
            PretrainedEncoder encoder = catalogue.get(EncoderCatalogue.E5_SMALL);
            int[] masked = EncoderPieces.of(encoder, List.of("a", Vocabulary.UNKNOWN, "film"), 16);
            int[] typed = encoder.pieces("a [MASK] film", 16);
            // one piece for the mask, not '<', 'unk', '>'
            assertThat(masked).containsExactly(typed);
            assertThat(masked).hasSize(5);
        }
    }
}
