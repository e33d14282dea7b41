package com.example.sentiment.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Roles on the HTTP side: a node whose {@code sentiment.roles} lack {@code serve} (a training worker) answers every
 * path outside the actuator's base path ({@code /actuator}: health and metrics) with 404 problem+json of type
 * {@link ProblemTypes#NOT_A_SERVING_NODE}, so that a worker exposes no public API beyond health and metrics.
 * A node with {@code serve} (the default is both roles) lets everything through.
 */
@Component
// before the API-key filter: a worker says "not here" rather than asking for a key it would never honour
@Order(Ordered.HIGHEST_PRECEDENCE + 100)
class ServingRoleFilter extends OncePerRequestFilter {

    static final String SERVE = "serve";
    static final String TRAIN = "train";
    private static final Set<String> KNOWN = Set.of(SERVE, TRAIN);
    private static final Logger log = LoggerFactory.getLogger(ServingRoleFilter.class);

    private final List<String> roles;
    private final boolean serves;
    private final String actuatorBase;
    private final JsonMapper json;

    ServingRoleFilter(Environment environment, JsonMapper json) {
        this.json = json;
        this.roles = roles(environment);
        this.serves = roles.contains(SERVE);
        String base = environment.getProperty("management.endpoints.web.base-path", "/actuator");
        this.actuatorBase = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        if (!serves) {
            log.info("Roles {}: this node answers only under {}/ (health, metrics); every other path gets 404",
                    roles, actuatorBase);
        }
    }

    /**
     * Read through a {@link Binder}, not {@code SentimentProperties}, so that this filter does not depend on how
     * the record declares the list; the binder accepts every form Spring does ({@code SENTIMENT_ROLES=serve,train},
     * {@code --sentiment.roles=train}, a YAML list).
     */
    static List<String> roles(Environment environment) {
        List<String> roles = Binder.get(environment).bind("sentiment.roles", Bindable.listOf(String.class))
                .orElse(List.of(SERVE, TRAIN)).stream()
                .map(role -> role.trim().toLowerCase(Locale.ROOT))
                .filter(role -> !role.isEmpty())
                .distinct()
                .toList();
        List<String> unknown = roles.stream().filter(role -> !KNOWN.contains(role)).toList();
        if (roles.isEmpty() || !unknown.isEmpty()) {
            // a typo such as "serving" would otherwise turn a replica into a node that answers only health checks
            throw new IllegalStateException("sentiment.roles must list serve, train or both; got " + roles);
        }
        return roles;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return serves || isActuator(path(request));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException {
        ProblemResponses.write(json, request, response, HttpStatus.NOT_FOUND, ProblemTypes.NOT_A_SERVING_NODE,
                "Not a serving node", "This node runs the roles " + roles + " and serves no API: ask a node with role "
                        + SERVE + " (sentiment.roles). Here only " + actuatorBase + "/ answers (health and metrics).");
    }

    private boolean isActuator(String path) {
        return path.equals(actuatorBase) || path.startsWith(actuatorBase + "/");
    }

    /**
     * The path the servlet container dispatches on: decoded, with {@code ..} and {@code ;parameters} resolved.
     * The raw request URI would take {@code /actuator/%2e%2e/api/v1/status} for an actuator path although the
     * container dispatches it as {@code /api/v1/status}; Spring MVC's own matching happens not to route it to a
     * controller today, but the guard should not rest on that.
     */
    private static String path(HttpServletRequest request) {
        String pathInfo = request.getPathInfo();
        return request.getServletPath() + (pathInfo == null ? "" : pathInfo);
    }
}
