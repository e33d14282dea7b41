package com.example.sentiment.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.sentiment.TestProperties;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

/** The cross-site check on its own: which browser requests are refused, and that everything else passes. */
class CrossSiteRequestFilterTest {

    private static CrossSiteRequestFilter filter(String... allowedOrigins) {
        Map<String, String> properties = new HashMap<>();
        for (int i = 0; i < allowedOrigins.length; i++) {
            properties.put("sentiment.security.allowed-origins[" + i + "]", allowedOrigins[i]);
        }
        return new CrossSiteRequestFilter(TestProperties.of(properties), JsonMapper.builder().build());
    }

    /** Sends a request to {@code localhost:8080} with {@code headers} given as name, value, name, value ... */
    private static MockHttpServletResponse call(CrossSiteRequestFilter filter, String method, String path,
                                                String... headers) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest(method, path);
        request.setServletPath(path);
        request.addHeader("Host", "localhost:8080");
        for (int i = 0; i < headers.length; i += 2) {
            request.addHeader(headers[i], headers[i + 1]);
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        filter.doFilter(request, response, chain);
        if (chain.getRequest() != null) {
            response.setStatus(299); // passed on: marked so that a refusal can never look like a pass
        }
        return response;
    }

    @Test
    void anotherSitesPageCannotChangeState() throws Exception {
        CrossSiteRequestFilter filter = filter();
        for (String method : new String[] {"POST", "PUT", "PATCH", "DELETE"}) {
            MockHttpServletResponse refused = call(filter, method, "/api/v1/training-jobs",
                    "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site");
            assertThat(refused.getStatus()).as(method).isEqualTo(403);
            assertThat(refused.getContentType()).isEqualTo("application/problem+json");
            assertThat(refused.getContentAsString()).contains("/problems/cross-site-request",
                    "sentiment.security.allowed-origins", "https://evil.example");
        }
        // an older browser sends no Sec-Fetch-Site: the Origin decides
        assertThat(call(filter, "POST", "/api/v1/models/active", "Origin", "https://evil.example").getStatus())
                .isEqualTo(403);
        assertThat(call(filter, "POST", "/api/v1/feedback", "Origin", "http://localhost:3000").getStatus())
                .as("another port is another origin").isEqualTo(403);
        assertThat(call(filter, "POST", "/api/v1/feedback", "Origin", "null").getStatus())
                .as("a sandboxed frame or a file").isEqualTo(403);
        assertThat(call(filter, "POST", "/api/v1/classify", "Sec-Fetch-Site", "same-site").getStatus())
                .as("a sibling sub-domain or port is another application").isEqualTo(403);
        MockHttpServletResponse inference = call(filter, "POST", "/v2/models/sentiment/infer",
                "Sec-Fetch-Site", "cross-site");
        assertThat(inference.getStatus()).isEqualTo(403);
        assertThat(inference.getContentType()).isEqualTo("application/json");
        assertThat(inference.getContentAsString()).startsWith("{\"error\":");
    }

    @Test
    void theConsoleScriptsAndReadsStillPass() throws Exception {
        CrossSiteRequestFilter filter = filter();
        assertThat(call(filter, "POST", "/api/v1/training-jobs",
                "Origin", "http://localhost:8080", "Sec-Fetch-Site", "same-origin").getStatus())
                .as("the console served at /").isEqualTo(299);
        assertThat(call(filter, "POST", "/api/v1/training-jobs", "Origin", "http://LOCALHOST:8080").getStatus())
                .isEqualTo(299);
        assertThat(call(filter, "DELETE", "/api/v1/models/m", "Sec-Fetch-Site", "same-origin",
                "Origin", "https://sentiment.example").getStatus())
                .as("the browser's verdict holds behind a proxy that rewrites Host").isEqualTo(299);
        assertThat(call(filter, "POST", "/api/v1/training-jobs").getStatus()).as("curl, other services").isEqualTo(299);
        assertThat(call(filter, "GET", "/api/v1/models", "Origin", "https://evil.example",
                "Sec-Fetch-Site", "cross-site").getStatus()).as("reads are not state-changing").isEqualTo(299);
        assertThat(call(filter, "POST", "/api/v1/classify", "Sec-Fetch-Site", "none").getStatus()).isEqualTo(299);
    }

    @Test
    void anAllowedOriginPasses() throws Exception {
        CrossSiteRequestFilter filter = filter("https://Console.example/", "http://localhost:3000");
        assertThat(call(filter, "POST", "/api/v1/training-jobs",
                "Origin", "https://console.example", "Sec-Fetch-Site", "same-site").getStatus()).isEqualTo(299);
        assertThat(call(filter, "POST", "/api/v1/feedback", "Origin", "http://localhost:3000").getStatus())
                .isEqualTo(299);
        assertThat(call(filter, "POST", "/api/v1/feedback", "Origin", "https://evil.example",
                "Sec-Fetch-Site", "cross-site").getStatus()).isEqualTo(403);
    }

    @Test
    void sameOriginComparesHostAndPortWithTheSchemesDefault() {
        assertThat(CrossSiteRequestFilter.sameOrigin("https://sentiment.example", "sentiment.example")).isTrue();
        assertThat(CrossSiteRequestFilter.sameOrigin("http://sentiment.example", "sentiment.example:80")).isTrue();
        assertThat(CrossSiteRequestFilter.sameOrigin("http://[::1]:8080", "[::1]:8080")).isTrue();
        assertThat(CrossSiteRequestFilter.sameOrigin("https://sentiment.example", "sentiment.example:8443")).isFalse();
        assertThat(CrossSiteRequestFilter.sameOrigin("https://sentiment.example.evil", "sentiment.example")).isFalse();
        assertThat(CrossSiteRequestFilter.sameOrigin("not a url", "localhost")).isFalse();
        assertThat(CrossSiteRequestFilter.sameOrigin("http://localhost", null)).isFalse();
    }
}
