package com.example.sentiment.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import com.example.sentiment.FullContext;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The committed {@code docs/openapi.json} must be what the code serves, so client generators can rely on it.
 * To update it after an API change: {@code ./mvnw test -Dtest=OpenApiSpecTest -Dopenapi.update=true}.
 */
class OpenApiSpecTest extends FullContext {

    static final Path COMMITTED = Path.of("docs/openapi.json");

    @Test
    void committedSpecMatchesTheCode() throws Exception {
        String served = mvc.perform(get("/v3/api-docs")).andReturn().getResponse().getContentAsString();
        JsonMapper json = JsonMapper.builder().build();
        JsonNode servedTree = json.readTree(served);
        String pretty = json.writerWithDefaultPrettyPrinter().writeValueAsString(servedTree) + "\n";
        if (Boolean.getBoolean("openapi.update")) {
            Files.writeString(COMMITTED, pretty);
        }
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/openapi.json"), pretty);
        assertThat(COMMITTED).as("docs/openapi.json exists").exists();
        assertThat(servedTree)
                .as("docs/openapi.json is out of date; see target/openapi.json, and update with "
                        + "./mvnw test -Dtest=OpenApiSpecTest -Dopenapi.update=true")
                .isEqualTo(json.readTree(Files.readString(COMMITTED)));
        assertThat(served).contains("/api/v1/classify", "/api/v1/training-jobs", "application/problem+json");
    }
}
