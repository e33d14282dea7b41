package com.example.sentiment.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

/** How {@code sentiment.roles} is read, and which paths each kind of node lets through. */
class ServingRoleFilterTest {

    private static ServingRoleFilter filter(MockEnvironment environment) {
        return new ServingRoleFilter(environment, JsonMapper.builder().build());
    }

    private static MockHttpServletResponse get(ServingRoleFilter filter, String path) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
        // what the container dispatches on (DispatcherServlet is mapped to "/", so the whole path)
        request.setServletPath(path);
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, new MockFilterChain());
        return response;
    }

    @Test
    void bothRolesByDefault() {
        assertThat(ServingRoleFilter.roles(new MockEnvironment())).containsExactly("serve", "train");
    }

    @Test
    void readsACommaSeparatedValueAndAYamlList() {
        assertThat(ServingRoleFilter.roles(new MockEnvironment().withProperty("sentiment.roles", " Train ")))
                .containsExactly("train");
        assertThat(ServingRoleFilter.roles(new MockEnvironment().withProperty("sentiment.roles", "serve,train,serve")))
                .containsExactly("serve", "train");
        assertThat(ServingRoleFilter.roles(new MockEnvironment()
                .withProperty("sentiment.roles[0]", "serve"))).containsExactly("serve");
    }

    @Test
    void refusesAnUnknownRoleOrNone() {
        assertThatThrownBy(() -> ServingRoleFilter.roles(new MockEnvironment().withProperty("sentiment.roles", "serving")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("serving");
        assertThatThrownBy(() -> ServingRoleFilter.roles(new MockEnvironment().withProperty("sentiment.roles", " , ")))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aServingNodeLetsEverythingThrough() throws Exception {
        for (String roles : new String[] {"serve", "serve,train"}) {
            ServingRoleFilter filter = filter(new MockEnvironment().withProperty("sentiment.roles", roles));
            assertThat(get(filter, "/api/v1/status").getStatus()).isEqualTo(200);
            assertThat(get(filter, "/v2/models/sentiment").getStatus()).isEqualTo(200);
            assertThat(get(filter, "/").getStatus()).isEqualTo(200);
        }
    }

    @Test
    void aWorkerAnswersOnlyUnderTheActuatorBasePath() throws Exception {
        ServingRoleFilter filter = filter(new MockEnvironment().withProperty("sentiment.roles", "train"));
        assertThat(get(filter, "/actuator/health/readiness").getStatus()).isEqualTo(200);
        assertThat(get(filter, "/actuator").getStatus()).isEqualTo(200);
        for (String path : new String[] {"/api/v1/status", "/api/v1/classify", "/", "/v2/models/x/infer",
                "/v3/api-docs", "/actuatorx"}) {
            MockHttpServletResponse response = get(filter, path);
            assertThat(response.getStatus()).as(path).isEqualTo(404);
            assertThat(response.getContentType()).isEqualTo("application/problem+json");
            assertThat(response.getContentAsString())
                    .contains(ProblemTypes.BASE + ProblemTypes.NOT_A_SERVING_NODE, "[train]");
        }
    }

    @Test
    void followsAMovedActuatorBasePath() throws Exception {
        ServingRoleFilter filter = filter(new MockEnvironment().withProperty("sentiment.roles", "train")
                .withProperty("management.endpoints.web.base-path", "/manage/"));
        assertThat(get(filter, "/manage/health").getStatus()).isEqualTo(200);
        assertThat(get(filter, "/actuator/health").getStatus()).isEqualTo(404);
    }
}
