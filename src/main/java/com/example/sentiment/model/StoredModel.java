package com.example.sentiment.model;

/**
 * A version folder as found on disk: its metadata when readable, else the reason it is unusable.
 */
public record StoredModel(String id, ModelMetadata metadata, String problem) {

    public boolean usable() {
        return problem == null;
    }
}
