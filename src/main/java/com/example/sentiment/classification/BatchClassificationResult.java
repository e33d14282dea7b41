package com.example.sentiment.classification;

import java.util.List;

/** The answers for a batch, in the order of the texts. */
record BatchClassificationResult(String modelId, List<ClassificationResult> results) {
}
