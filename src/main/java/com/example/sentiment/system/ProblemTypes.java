package com.example.sentiment.system;

import java.net.URI;

/** The stable {@code type} URIs of the service's problem details; documented in the README. */
public final class ProblemTypes {

    public static final String BASE = "https://sentiment-service.example/problems/";

    private ProblemTypes() {
    }

    public static URI uri(String slug) {
        return URI.create(BASE + slug);
    }
}
