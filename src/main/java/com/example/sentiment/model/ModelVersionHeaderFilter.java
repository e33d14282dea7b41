package com.example.sentiment.model;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code X-Model-Version} on classify responses ({@code /api/v1/classify...} and the Open Inference
 * Protocol's {@code /v2/models/{name}/infer}): the version this replica serves when the request arrives, so
 * that behind a load balancer a client (or a test) can see which replicas have switched. A request that names
 * another version with {@code modelId} is answered by that one, and its body says so.
 */
@Component
class ModelVersionHeaderFilter extends OncePerRequestFilter {

    static final String HEADER = "X-Model-Version";

    private final ModelService models;

    ModelVersionHeaderFilter(ModelService models) {
        this.models = models;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return !(path.startsWith("/api/v1/classify") || path.startsWith("/v2/models/") && path.endsWith("/infer"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        // set before the handler runs: the response may be committed by the time it returns
        models.active().ifPresent(m -> response.setHeader(HEADER, m.id()));
        chain.doFilter(request, response);
    }
}
