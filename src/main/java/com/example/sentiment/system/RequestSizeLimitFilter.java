package com.example.sentiment.system;

import com.example.sentiment.SentimentProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses JSON request bodies over {@code sentiment.classify.max-request-size} with 413 before reading
 * them (uploads have their own limit, {@code spring.servlet.multipart.max-file-size}).
 */
@Component
class RequestSizeLimitFilter extends OncePerRequestFilter {

    private final long maxBytes;
    private final JsonMapper json;

    RequestSizeLimitFilter(SentimentProperties properties, JsonMapper json) {
        this.json = json;
        this.maxBytes = properties.classify().maxRequestSize().toBytes();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String type = request.getContentType();
        boolean multipart = type != null && type.toLowerCase().startsWith("multipart/");
        if (!multipart && request.getContentLengthLong() > maxBytes) {
            response.setHeader("Connection", "close");
            ProblemResponses.write(json, request, response, HttpStatus.CONTENT_TOO_LARGE, "payload-too-large",
                    "Payload too large", "The request body has " + request.getContentLengthLong()
                            + " bytes; the limit is " + maxBytes + " (sentiment.classify.max-request-size).");
            return;
        }
        chain.doFilter(request, response);
    }
}
