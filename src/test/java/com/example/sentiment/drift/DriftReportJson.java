package com.example.sentiment.drift;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Reads the parts of a {@code GET /api/v1/models/{id}/drift} answer that tests compare. */
public final class DriftReportJson {

    private DriftReportJson() {
    }

    /** The report's entry for one signal ({@code length}, {@code label}, ...). */
    public static JsonNode signal(JsonNode report, String key) {
        for (JsonNode s : report.get("signals")) {
            if (s.get("signal").asString().equals(key)) {
                return s;
            }
        }
        throw new AssertionError("no signal " + key + " in " + report);
    }

    /** A histogram's counts, bin by bin. */
    public static List<Long> counts(JsonNode histogram) {
        List<Long> out = new ArrayList<>();
        histogram.get("counts").forEach(c -> out.add(c.asLong()));
        return out;
    }
}
