package com.example.sentiment.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.TestProperties;
import com.example.sentiment.TinyModel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

/** Classify responses say which version this replica serves; other responses do not. */
class ModelVersionHeaderFilterTest {

    @TempDir
    Path dir;

    private MockHttpServletResponse call(ModelVersionHeaderFilter filter, String method, String path) throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(new MockHttpServletRequest(method, path), response, new MockFilterChain());
        return response;
    }

    @Test
    void classifyResponsesNameTheServedVersion() throws Exception {
        SentimentProperties properties = TestProperties.of(Map.of("sentiment.models-dir", dir.toString(),
                "sentiment.classify.inference-threads", "1"));
        try (ModelService models = new ModelService(new FileSystemModelRepository(properties, JsonMapper.builder().build()),
                new FileSystemActiveVersionPointer(properties), properties, new SimpleMeterRegistry())) {
            await().atMost(Duration.ofSeconds(30)).until(models::startupDone);
            ModelVersionHeaderFilter filter = new ModelVersionHeaderFilter(models);
            assertThat(call(filter, "POST", "/api/v1/classify").getHeader("X-Model-Version")).isNull();

            String id = TinyModel.activate(models, 40, 1);
            assertThat(call(filter, "POST", "/api/v1/classify").getHeader("X-Model-Version")).isEqualTo(id);
            assertThat(call(filter, "POST", "/api/v1/classify/batch").getHeader("X-Model-Version")).isEqualTo(id);
            assertThat(call(filter, "POST", "/v2/models/sentiment/infer").getHeader("X-Model-Version")).isEqualTo(id);
            assertThat(call(filter, "GET", "/api/v1/models").getHeader("X-Model-Version")).isNull();
            assertThat(call(filter, "GET", "/actuator/health").getHeader("X-Model-Version")).isNull();
        }
    }
}
