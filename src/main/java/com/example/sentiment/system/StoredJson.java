package com.example.sentiment.system;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the JSON files the service itself wrote (model metadata, job records). Unlike request bodies, which
 * the strict mapper checks field by field, these may come from an older or newer release: a field the file
 * lacks takes its neutral value (0, false, null), and one this release does not know is ignored.
 */
public final class StoredJson {

    private StoredJson() {
    }

    public static ObjectReader readerFor(JsonMapper json, Class<?> type) {
        return json.readerFor(type).without(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }
}
