package com.example.sentiment.system;

import java.net.URI;

/** The stable {@code type} URIs of the service's problem details; documented in docs/api.md (Errors). */
public final class ProblemTypes {

    public static final String BASE = "https://sentiment-service.example/problems/";

    /**
     * A path of the public API asked of a node whose {@code sentiment.roles} lack {@code serve}: a training worker
     * answers only under {@code /actuator}. A separate type from {@code not-found}, so that a client (or whoever
     * reads a load balancer's logs) sees that the request reached the wrong kind of node, not a missing resource.
     */
    public static final String NOT_A_SERVING_NODE = "not-a-serving-node";

    /**
     * A state-changing request that a browser sent for another web site ({@code Origin} or {@code Sec-Fetch-Site}
     * says so) whose origin is not in {@code sentiment.security.allowed-origins}: 403.
     */
    public static final String CROSS_SITE_REQUEST = "cross-site-request";

    private ProblemTypes() {
    }

    public static URI uri(String slug) {
        return URI.create(BASE + slug);
    }
}
