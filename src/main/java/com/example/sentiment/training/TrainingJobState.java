package com.example.sentiment.training;

/** Where a training job is in its life; the last three are final. */
enum TrainingJobState {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
