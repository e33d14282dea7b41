package com.example.sentiment.drift;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** Counts per bin, in the order of the bins. */
@Schema(description = "Counts per bin, in the order of the bins")
record Histogram(
        @Schema(example = "[\"0-2\", \"3-4\", \"5-6\"]") List<String> bins,
        @Schema(example = "[12, 40, 31]") long[] counts) {

    long total() {
        long sum = 0;
        for (long c : counts) {
            sum += c;
        }
        return sum;
    }
}
