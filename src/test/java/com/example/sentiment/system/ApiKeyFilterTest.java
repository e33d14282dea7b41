package com.example.sentiment.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.sentiment.TestProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

class ApiKeyFilterTest {

    private static ApiKeyFilter filter(Map<String, String> properties) {
        return new ApiKeyFilter(TestProperties.of(properties), JsonMapper.builder().build());
    }

    private static MockHttpServletResponse call(ApiKeyFilter filter, String method, String path, String key)
            throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest(method, path);
        // the filter decides on the path the container dispatches on (as Tomcat sets it for DispatcherServlet at /)
        request.setServletPath(path);
        if (key != null) {
            request.addHeader("X-API-Key", key);
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, new MockFilterChain());
        return response;
    }

    @Test
    void stateChangingCallsNeedTheAdminKey() throws Exception {
        ApiKeyFilter filter = filter(Map.of("sentiment.security.api-key", "s3cret"));
        MockHttpServletResponse missing = call(filter, "POST", "/api/v1/training-jobs", null);
        assertThat(missing.getStatus()).isEqualTo(401);
        assertThat(missing.getContentType()).isEqualTo("application/problem+json");
        assertThat(missing.getContentAsString()).contains("unauthorized", "X-API-Key");
        assertThat(call(filter, "DELETE", "/api/v1/models/x", "wrong").getStatus()).isEqualTo(401);
        assertThat(call(filter, "PUT", "/api/v1/models/active", "s3cret").getStatus()).isEqualTo(200);
        assertThat(call(filter, "POST", "/api/v1/training-jobs/j/cancel", "s3cre").getStatus()).isEqualTo(401);
        // reading and classifying stay open unless a classify key is set
        assertThat(call(filter, "GET", "/api/v1/models", null).getStatus()).isEqualTo(200);
        assertThat(call(filter, "POST", "/api/v1/classify", null).getStatus()).isEqualTo(200);
        assertThat(call(filter, "GET", "/actuator/health", null).getStatus()).isEqualTo(200);
    }

    @Test
    void aClassifyKeyGuardsClassification() throws Exception {
        ApiKeyFilter filter = filter(Map.of(
                "sentiment.security.api-key", "admin", "sentiment.security.classify-api-key", "reader"));
        assertThat(call(filter, "POST", "/api/v1/classify", null).getStatus()).isEqualTo(401);
        assertThat(call(filter, "POST", "/api/v1/classify/batch", "reader").getStatus()).isEqualTo(200);
        assertThat(call(filter, "POST", "/api/v1/classify", "admin").getStatus()).isEqualTo(200);
        assertThat(call(filter, "POST", "/api/v1/training-jobs", "reader").getStatus()).isEqualTo(401);
    }

    @Test
    void classificationJobsAndTheirResultsAreNeverOpenWhileAKeyIsSet() throws Exception {
        String[][] calls = {{"POST", "/api/v1/classification-jobs"}, {"GET", "/api/v1/classification-jobs"},
                {"GET", "/api/v1/classification-jobs/j"}, {"GET", "/api/v1/classification-jobs/j/results"},
                {"POST", "/api/v1/classification-jobs/j/cancel"}};
        ApiKeyFilter both = filter(Map.of(
                "sentiment.security.api-key", "admin", "sentiment.security.classify-api-key", "reader"));
        ApiKeyFilter adminOnly = filter(Map.of("sentiment.security.api-key", "admin"));
        ApiKeyFilter none = filter(Map.of());
        for (String[] call : calls) {
            assertThat(call(both, call[0], call[1], null).getStatus()).as(call[1]).isEqualTo(401);
            assertThat(call(both, call[0], call[1], "reader").getStatus()).as(call[1]).isEqualTo(200);
            assertThat(call(both, call[0], call[1], "admin").getStatus()).as(call[1]).isEqualTo(200);
            // classifying is open without a classify key, but results kept on the server are the admin's then
            assertThat(call(adminOnly, call[0], call[1], null).getStatus()).as(call[1]).isEqualTo(401);
            assertThat(call(adminOnly, call[0], call[1], "admin").getStatus()).as(call[1]).isEqualTo(200);
            assertThat(call(none, call[0], call[1], null).getStatus()).as(call[1]).isEqualTo(200);
        }
        // the encoded form of the path reaches the same handlers, so it needs the same key
        MockHttpServletRequest encoded = new MockHttpServletRequest("GET", "/api/v1/classification%2Djobs/j/results");
        encoded.setServletPath("/api/v1/classification-jobs/j/results");
        MockHttpServletResponse response = new MockHttpServletResponse();
        both.doFilter(encoded, response, new MockFilterChain());
        assertThat(response.getStatus()).isEqualTo(401);
    }

    @Test
    void feedbackAndInferenceFollowTheClassifyKey() throws Exception {
        ApiKeyFilter filter = filter(Map.of(
                "sentiment.security.api-key", "admin", "sentiment.security.classify-api-key", "reader"));
        for (String[] call : new String[][] {{"POST", "/api/v1/feedback"}, {"POST", "/v2/models/sentiment/infer"}}) {
            assertThat(call(filter, call[0], call[1], null).getStatus()).as(call[1]).isEqualTo(401);
            assertThat(call(filter, call[0], call[1], "reader").getStatus()).as(call[1]).isEqualTo(200);
            assertThat(call(filter, call[0], call[1], "admin").getStatus()).as(call[1]).isEqualTo(200);
        }
        // the protocol's own error form, and its metadata and health stay open
        MockHttpServletResponse refused = call(filter, "POST", "/v2/models/sentiment/infer", "wrong");
        assertThat(refused.getContentType()).isEqualTo("application/json");
        assertThat(refused.getContentAsString()).contains("\"error\"", "not valid");
        assertThat(call(filter, "GET", "/v2/health/ready", null).getStatus()).isEqualTo(200);
        assertThat(call(filter, "GET", "/v2/models/sentiment", null).getStatus()).isEqualTo(200);

        // deleting a correction changes what the next model learns: the admin's call, not a classifier's
        assertThat(call(filter, "DELETE", "/api/v1/feedback/f1", "reader").getStatus()).isEqualTo(401);
        assertThat(call(filter, "DELETE", "/api/v1/feedback/f1", null).getStatus()).isEqualTo(401);
        assertThat(call(filter, "DELETE", "/api/v1/feedback/f1", "admin").getStatus()).isEqualTo(200);

        ApiKeyFilter adminOnly = filter(Map.of("sentiment.security.api-key", "admin"));
        assertThat(call(adminOnly, "POST", "/api/v1/feedback", null).getStatus())
                .as("open like classification when only the admin key is set").isEqualTo(200);
        assertThat(call(adminOnly, "PUT", "/api/v1/models/x/settings", null).getStatus()).isEqualTo(401);
        assertThat(call(adminOnly, "DELETE", "/api/v1/feedback/f1", null).getStatus()).isEqualTo(401);
    }

    @Test
    void readingCorrectionsNeedsTheAdminKeyWhenOneIsSet() throws Exception {
        ApiKeyFilter both = filter(Map.of(
                "sentiment.security.api-key", "admin", "sentiment.security.classify-api-key", "reader"));
        for (String path : new String[] {"/api/v1/feedback", "/api/v1/feedback/export", "/api/v1/feedback/f-1"}) {
            assertThat(call(both, "GET", path, null).getStatus()).as(path).isEqualTo(401);
            assertThat(call(both, "GET", path, "reader").getStatus()).as("every user's text: " + path).isEqualTo(401);
            assertThat(call(both, "GET", path, "admin").getStatus()).as(path).isEqualTo(200);
        }
        assertThat(call(both, "POST", "/api/v1/feedback", "reader").getStatus()).isEqualTo(200);

        ApiKeyFilter adminOnly = filter(Map.of("sentiment.security.api-key", "admin"));
        assertThat(call(adminOnly, "GET", "/api/v1/feedback", null).getStatus()).isEqualTo(401);
        assertThat(call(adminOnly, "GET", "/api/v1/feedback/export", null).getStatus()).isEqualTo(401);
        assertThat(call(adminOnly, "GET", "/api/v1/feedback/export", "admin").getStatus()).isEqualTo(200);
        assertThat(call(adminOnly, "POST", "/api/v1/feedback", null).getStatus()).isEqualTo(200);

        ApiKeyFilter classifyOnly = filter(Map.of("sentiment.security.classify-api-key", "reader"));
        assertThat(call(classifyOnly, "GET", "/api/v1/feedback", null).getStatus()).isEqualTo(401);
        assertThat(call(classifyOnly, "GET", "/api/v1/feedback", "reader").getStatus())
                .as("without an admin key, the classify key's rule as before").isEqualTo(200);
    }

    @Test
    void readingTrainingJobsNeedsTheAdminKeyWhenOneIsSet() throws Exception {
        ApiKeyFilter filter = filter(Map.of(
                "sentiment.security.api-key", "admin", "sentiment.security.classify-api-key", "reader"));
        for (String path : new String[] {"/api/v1/training-jobs", "/api/v1/training-jobs/j-1"}) {
            assertThat(call(filter, "GET", path, null).getStatus()).as(path).isEqualTo(401);
            assertThat(call(filter, "GET", path, "reader").getStatus()).as(path).isEqualTo(401);
            assertThat(call(filter, "GET", path, "admin").getStatus()).as(path).isEqualTo(200);
        }
        assertThat(call(filter, "GET", "/api/v1/models", null).getStatus()).isEqualTo(200);
        assertThat(call(filter, "GET", "/api/v1/status", null).getStatus()).isEqualTo(200);
        assertThat(call(filter(Map.of()), "GET", "/api/v1/training-jobs", null).getStatus()).isEqualTo(200);
    }

    @Test
    void theAdminKeyAndOnlyItGivesTheRequestAPrincipal() throws Exception {
        ApiKeyFilter filter = filter(Map.of(
                "sentiment.security.api-key", "admin", "sentiment.security.classify-api-key", "reader"));
        for (String[] keyAndName : new String[][] {{"admin", "api-key-admin"}, {"reader", null}, {null, null}}) {
            MockHttpServletRequest request = new MockHttpServletRequest("GET", "/actuator/health");
            request.setServletPath("/actuator/health");
            if (keyAndName[0] != null) {
                request.addHeader("X-API-Key", keyAndName[0]);
            }
            MockFilterChain chain = new MockFilterChain();
            filter.doFilter(request, new MockHttpServletResponse(), chain);
            java.security.Principal principal = ((jakarta.servlet.http.HttpServletRequest) chain.getRequest())
                    .getUserPrincipal();
            assertThat(principal == null ? null : principal.getName()).as(keyAndName[0]).isEqualTo(keyAndName[1]);
        }
    }

    @Test
    void withoutKeysEverythingIsOpen() throws Exception {
        ApiKeyFilter filter = filter(Map.of());
        assertThat(call(filter, "POST", "/api/v1/training-jobs", null).getStatus()).isEqualTo(200);
        assertThat(call(filter, "DELETE", "/api/v1/models/x", null).getStatus()).isEqualTo(200);
    }

    /** Which property an environment variable sets, with application.yml as the jar has it. */
    private static String keyBoundFrom(String variable, String property) throws Exception {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        Map.of(variable, "from-" + variable)));
        new YamlPropertySourceLoader().load("application.yml", new ClassPathResource("application.yml"))
                .forEach(environment.getPropertySources()::addLast);
        ConfigurationPropertySources.attach(environment);
        return Binder.get(environment).bind(property, String.class).orElse(null);
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void theStartUpWarningNamesTheDocumentedVariableThatSetsTheAdminKey(CapturedOutput output) throws Exception {
        filter(Map.of());
        String warning = output.getAll().lines().filter(l -> l.contains("No API key")).findFirst().orElseThrow();
        Matcher variables = Pattern.compile("\\bSENTIMENT_[A-Z_]+\\b").matcher(warning);
        assertThat(variables.find()).as(warning).isTrue();
        // Spring Boot binds SENTIMENT_SECURITY_API_KEY too (relaxed binding), but a user reads the warning
        // next to the docs: it must name the variable that README.md and docs/security.md document
        String documented = Files.readString(Path.of("README.md")) + Files.readString(Path.of("docs/security.md"));
        do {
            assertThat(documented).as(warning).contains("`" + variables.group() + "`");
            assertThat(keyBoundFrom(variables.group(), "sentiment.security.api-key")).as(warning)
                    .isEqualTo("from-" + variables.group());
        } while (variables.find());
    }

    @Test
    void everyKeyVariableTheDocsAndDeployFilesNameSetsItsKey() throws Exception {
        Set<String> named = new TreeSet<>();
        for (String file : new String[] {"README.md", "docs/security.md", "docs/configuration.md", "docker-compose.yml", "Dockerfile",
                "deploy/k8s/README.md", "deploy/k8s/base/deployment.yaml"}) {
            Matcher m = Pattern.compile("\\bSENTIMENT_[A-Z_]*API_?KEY\\b").matcher(Files.readString(Path.of(file)));
            while (m.find()) {
                named.add(m.group());
            }
        }
        assertThat(named).contains("SENTIMENT_API_KEY", "SENTIMENT_CLASSIFY_API_KEY");
        for (String variable : named) {
            String property = variable.contains("CLASSIFY") ? "sentiment.security.classify-api-key"
                    : "sentiment.security.api-key";
            assertThat(keyBoundFrom(variable, property)).as(variable).isEqualTo("from-" + variable);
        }
    }
}
