package com.example.sentiment.system;

import com.example.sentiment.SentimentProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses state-changing requests (every method but GET, HEAD and OPTIONS) that a browser sends on behalf of
 * another web site, with 403 of type {@link ProblemTypes#CROSS_SITE_REQUEST}: a page the operator happens to
 * visit could otherwise post a multipart training job (no CORS preflight needed) that activates itself, or
 * corrections, whenever no key is set. The browser's own headers decide:
 * <ul>
 *   <li>{@code Sec-Fetch-Site: cross-site} or {@code same-site} is refused: "same-site" covers every port and
 *       sub-domain of the same registrable domain ({@code localhost:3000} against {@code localhost:8080}), which is
 *       another application as far as this service knows. {@code same-origin} and {@code none} pass.</li>
 *   <li>Without {@code Sec-Fetch-Site} (older browsers), an {@code Origin} whose host and port are not those of
 *       the request's {@code Host} header is refused, as is {@code Origin: null} (sandboxed frames, files).</li>
 *   <li>An origin listed in {@code sentiment.security.allowed-origins} (such as {@code https://console.example})
 *       always passes.</li>
 * </ul>
 * Requests with neither header (curl, scripts, other services) pass: they are not a browser acting for a page.
 * The console served at {@code /} is same-origin and passes. This check holds with or without API keys.
 */
@Component
// after the serving-role filter, before the API-key and size filters: a forged request is refused whatever it carries
@Order(Ordered.HIGHEST_PRECEDENCE + 110)
class CrossSiteRequestFilter extends OncePerRequestFilter {

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    private static final Map<String, Integer> DEFAULT_PORTS = Map.of("http", 80, "https", 443);

    private final Set<String> allowedOrigins;
    private final JsonMapper json;

    CrossSiteRequestFilter(SentimentProperties properties, JsonMapper json) {
        this.json = json;
        this.allowedOrigins = properties.security().allowedOrigins().stream()
                .map(CrossSiteRequestFilter::normalise)
                .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return SAFE_METHODS.contains(request.getMethod());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String origin = request.getHeader("Origin");
        if (crossSite(request, origin) && (origin == null || !allowedOrigins.contains(normalise(origin)))) {
            reject(request, response, origin);
            return;
        }
        chain.doFilter(request, response);
    }

    private static boolean crossSite(HttpServletRequest request, String origin) {
        String site = request.getHeader("Sec-Fetch-Site");
        if (site != null) {
            // the browser's own verdict; a page cannot forge it, and it survives a proxy that rewrites Host
            String verdict = site.trim().toLowerCase(Locale.ROOT);
            return verdict.equals("cross-site") || verdict.equals("same-site");
        }
        return origin != null && !sameOrigin(origin, request.getHeader("Host"));
    }

    /** Whether {@code origin}'s host and port are the {@code Host} header's (a missing port is the scheme's). */
    static boolean sameOrigin(String origin, String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        try {
            URI from = new URI(origin.trim());
            if (from.getScheme() == null || from.getHost() == null) {
                return false; // "null", or not a URL at all
            }
            URI to = new URI(from.getScheme() + "://" + host.trim());
            if (to.getHost() == null) {
                return false;
            }
            int defaultPort = DEFAULT_PORTS.getOrDefault(from.getScheme().toLowerCase(Locale.ROOT), -1);
            return from.getHost().equalsIgnoreCase(to.getHost())
                    && port(from, defaultPort) == port(to, defaultPort);
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static int port(URI uri, int defaultPort) {
        return uri.getPort() >= 0 ? uri.getPort() : defaultPort;
    }

    /** Origins compare as browsers serialise them: lower case, no trailing slash. */
    private static String normalise(String origin) {
        String trimmed = origin.trim().toLowerCase(Locale.ROOT);
        return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }

    private void reject(HttpServletRequest request, HttpServletResponse response, String origin) throws IOException {
        String from = origin == null || origin.length() > 200 ? "another site" : origin;
        String detail = "State-changing requests from another web site are refused (here from " + from + "). "
                + "If that site is trusted, list its origin in sentiment.security.allowed-origins.";
        if (ApiKeyFilter.routedPath(request).startsWith("/v2/")) {
            // the Open Inference Protocol's own error form
            response.setStatus(HttpStatus.FORBIDDEN.value());
            response.setContentType("application/json");
            json.writeValue(response.getOutputStream(), Map.of("error", detail));
            return;
        }
        ProblemResponses.write(json, request, response, HttpStatus.FORBIDDEN, ProblemTypes.CROSS_SITE_REQUEST,
                "Cross-site request refused", detail);
    }
}
