package com.example.sentiment.system;

import com.example.sentiment.SentimentProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * API keys in header {@code X-API-Key}: {@code sentiment.security.api-key} guards every state-changing call
 * (training, cancel, activate, delete); {@code sentiment.security.classify-api-key} guards classification
 * ({@code /api/v1/classify}, the Open Inference Protocol's {@code /v2/models/{name}/infer}) and feedback
 * ({@code /api/v1/feedback}, every method), where the admin key is accepted too.
 * Keys are compared in constant time. Without keys everything is open, and the service says so at start.
 */
@Component
class ApiKeyFilter extends OncePerRequestFilter {

    static final String HEADER = "X-API-Key";
    private static final Logger log = LoggerFactory.getLogger(ApiKeyFilter.class);

    private final byte[] adminKey;
    private final byte[] classifyKey;
    private final JsonMapper json;

    ApiKeyFilter(SentimentProperties properties, JsonMapper json) {
        this.json = json;
        this.adminKey = bytes(properties.security().apiKey());
        this.classifyKey = bytes(properties.security().classifyApiKey());
        if (adminKey == null) {
            log.warn("No API key is configured (sentiment.security.api-key / SENTIMENT_SECURITY_API_KEY): anyone who "
                    + "can reach this service can train, activate and delete models");
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        boolean inference = path.startsWith("/v2/") && path.endsWith("/infer");
        if (path.startsWith("/api/v1/") || inference) {
            // corrections come from whoever may classify, so they follow the classification key
            boolean classify = inference || path.startsWith("/api/v1/classify") || path.startsWith("/api/v1/feedback");
            boolean changesState = !classify && !request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")
                    && !request.getMethod().equals("OPTIONS");
            byte[] presented = bytes(request.getHeader(HEADER));
            boolean allowed = true;
            if (classify && classifyKey != null) {
                allowed = matches(presented, classifyKey) || matches(presented, adminKey);
            } else if (changesState && adminKey != null) {
                allowed = matches(presented, adminKey);
            }
            if (!allowed) {
                reject(request, response, presented == null, inference);
                return;
            }
        }
        chain.doFilter(request, response);
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
}
