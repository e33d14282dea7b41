package com.example.sentiment.system;

import com.example.sentiment.SentimentProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * API keys in header {@code X-API-Key}: {@code sentiment.security.api-key} (the admin key) guards every
 * state-changing call of {@code /api/v1} (training, cancel, activate, settings, delete, deleting a correction),
 * reading training jobs (their errors and datasets are the operator's) and reading corrections ({@code GET /api/v1/feedback},
 * {@code /feedback/{id}}, {@code /feedback/export}: every user's text). {@code sentiment.security.classify-api-key}
 * guards classification ({@code /api/v1/classify}, the Open Inference Protocol's {@code /v2/models/{name}/infer})
 * and posting corrections, where the admin key is accepted too; without an admin key, reading corrections follows
 * the classify key. Classification jobs ({@code /api/v1/classification-jobs}, reading their results included) keep
 * a file's texts and answers on the server: they need the classify key (or the admin key) when a classify key is
 * set, else the admin key. A request with the admin key carries a principal, which is what lets it see the health
 * endpoint's details (see {@link HealthDetailsAccess}).
 * <p>
 * The decision is taken on the path the container dispatches on (decoded, {@code ;parameters} removed,
 * {@code .}/{@code ..} and {@code //} resolved), never on the raw request URI: {@code /api;x/v1/...} or
 * {@code /api/%76%31/...} reach the same handlers as {@code /api/v1/...} and so need the same key.
 * Keys are compared in constant time. Without keys everything is open, and the service says so at start.
 */
@Component
class ApiKeyFilter extends OncePerRequestFilter {

    static final String HEADER = "X-API-Key";
    /** The principal of a request that presented the admin key; its name is not the key. */
    static final Principal ADMIN = () -> "api-key-admin";
    private static final Logger log = LoggerFactory.getLogger(ApiKeyFilter.class);

    /** Which key a call needs. */
    private enum Access { OPEN, CLASSIFY, ADMIN, READ_FEEDBACK, STORED_CLASSIFICATION }

    private final byte[] adminKey;
    private final byte[] classifyKey;
    private final JsonMapper json;

    ApiKeyFilter(SentimentProperties properties, JsonMapper json) {
        this.json = json;
        this.adminKey = bytes(properties.security().apiKey());
        this.classifyKey = bytes(properties.security().classifyApiKey());
        if (adminKey == null) {
            log.warn("No API key is configured (sentiment.security.api-key, environment SENTIMENT_API_KEY): anyone who "
                    + "can reach this service can train, activate and delete models");
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = routedPath(request);
        boolean inference = path.startsWith("/v2/") && path.endsWith("/infer");
        byte[] presented = bytes(request.getHeader(HEADER));
        boolean allowed = switch (access(request.getMethod(), path, inference)) {
            case OPEN -> true;
            case CLASSIFY -> classifyKey == null || matches(presented, classifyKey) || matches(presented, adminKey);
            case ADMIN -> adminKey == null || matches(presented, adminKey);
            // every user's text: the admin's when there is an admin key, else whoever may classify
            case READ_FEEDBACK -> adminKey != null ? matches(presented, adminKey)
                    : classifyKey == null || matches(presented, classifyKey);
            // a file's texts and their answers kept on the server: whoever may classify when that takes a key,
            // else the admin's; never open while any key is set
            case STORED_CLASSIFICATION -> classifyKey != null
                    ? matches(presented, classifyKey) || matches(presented, adminKey)
                    : adminKey == null || matches(presented, adminKey);
        };
        if (!allowed) {
            reject(request, response, presented == null, inference);
            return;
        }
        chain.doFilter(matches(presented, adminKey) ? new AdminRequest(request) : request, response);
    }

    private static Access access(String method, String path, boolean inference) {
        boolean reads = method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
        if (inference || under(path, "/api/v1/classify")) {
            return Access.CLASSIFY;
        }
        if (under(path, "/api/v1/feedback")) {
            // corrections come from whoever may classify, so posting one follows the classification key; deleting
            // one changes what the next model learns from, which is the admin's call
            if (method.equals("DELETE")) {
                return Access.ADMIN;
            }
            return reads ? Access.READ_FEEDBACK : Access.CLASSIFY;
        }
        if (under(path, "/api/v1/training-jobs")) {
            return Access.ADMIN;
        }
        if (under(path, "/api/v1/classification-jobs")) {
            // reads included: a job's results are its file's answers, row by row
            return Access.STORED_CLASSIFICATION;
        }
        return under(path, "/api/v1") && !reads ? Access.ADMIN : Access.OPEN;
    }

    private static boolean under(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }

    /**
     * The path the servlet container dispatches on: decoded, {@code ;parameters} removed, {@code .} and
     * {@code ..} resolved, {@code //} merged (as {@link ServingRoleFilter} uses). Trailing slashes are dropped, so
     * that {@code /v2/models/m/infer/} is judged as the call it names even if a later version of the framework
     * routed it there.
     */
    static String routedPath(HttpServletRequest request) {
        String pathInfo = request.getPathInfo();
        String path = (request.getServletPath() == null ? "" : request.getServletPath()) + (pathInfo == null ? "" : pathInfo);
        int end = path.length();
        while (end > 1 && path.charAt(end - 1) == '/') {
            end--;
        }
        return path.substring(0, end);
    }

    private static boolean matches(byte[] presented, byte[] key) {
        return presented != null && key != null && MessageDigest.isEqual(presented, key);
    }

    private void reject(HttpServletRequest request, HttpServletResponse response, boolean missing, boolean inference)
            throws IOException {
        response.setHeader("WWW-Authenticate", "ApiKey header=\"" + HEADER + "\"");
        if (inference) {
            // the Open Inference Protocol's own error form
            response.setStatus(HttpStatus.UNAUTHORIZED.value());
            response.setContentType("application/json");
            json.writeValue(response.getOutputStream(), java.util.Map.of("error", missing
                    ? "this call needs an API key in header " + HEADER : "the API key in header " + HEADER + " is not valid"));
            return;
        }
        ProblemResponses.write(json, request, response, HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized",
                missing ? "This call needs an API key in header " + HEADER + "."
                        : "The API key in header " + HEADER + " is not valid for this call.");
    }

    private static byte[] bytes(String value) {
        return value == null || value.isEmpty() ? null : value.getBytes(StandardCharsets.UTF_8);
    }

    /** A request that presented the admin key: it has a principal, and nothing else changes. */
    private static final class AdminRequest extends HttpServletRequestWrapper {

        AdminRequest(HttpServletRequest request) {
            super(request);
        }

        @Override
        public Principal getUserPrincipal() {
            return ADMIN;
        }
    }
}
