package com.example.sentiment.system;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI description: service info, the API-key scheme, the problem-detail error shape and the
 * error responses every operation can give. The generated spec is committed as {@code docs/openapi.json}.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    private static final String PROBLEM = "Problem";

    @Bean
    OpenAPI sentimentOpenApi() {
        ObjectSchema problem = new ObjectSchema();
        problem.description("RFC 9457 problem detail; validation problems add an `errors` list");
        problem.addProperty("type", new StringSchema().example(ProblemTypes.BASE + "invalid-request"));
        problem.addProperty("title", new StringSchema().example("Invalid request"));
        problem.addProperty("status", new IntegerSchema().example(400));
        problem.addProperty("detail", new StringSchema().example("text: must not be blank"));
        problem.addProperty("instance", new StringSchema().example("/api/v1/classify"));
        problem.addProperty("errors", new io.swagger.v3.oas.models.media.ArraySchema().items(new ObjectSchema()
                .addProperty("field", new StringSchema().example("text"))
                .addProperty("message", new StringSchema().example("must not be blank"))));
        return new OpenAPI()
                .info(new Info().title("Sentiment service API").version("v1")
                        .description("Train LSTM text classifiers on your own labelled data and classify text. "
                                + "Errors are application/problem+json. When API keys are configured, state-changing "
                                + "calls (and optionally classification) need header X-API-Key.")
                        .license(new License().name("Proprietary")))
                .components(new Components()
                        .addSchemas(PROBLEM, problem)
                        .addSecuritySchemes("apiKey", new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                                .in(SecurityScheme.In.HEADER).name("X-API-Key")))
                .addSecurityItem(new SecurityRequirement().addList("apiKey"));
    }

    /** Documents the error answers on every operation, with the problem-detail schema. */
    @Bean
    OpenApiCustomizer problemResponses() {
        Map<String, String> common = Map.of(
                "400", "Malformed or invalid request; `errors` names the fields",
                "401", "Missing or wrong X-API-Key (only when keys are configured)",
                "500", "Unexpected failure (logged; no stack trace is sent)");
        return openApi -> openApi.getPaths().forEach((path, item) -> item.readOperations().forEach(operation -> {
            common.forEach((status, description) -> operation.getResponses().putIfAbsent(status, problem(description)));
            if (path.contains("{id}") || path.startsWith("/api/v1/classify")) {
                operation.getResponses().putIfAbsent("404", problem("Unknown model version or job"));
            }
            if (path.startsWith("/api/v1/classify")) {
                operation.getResponses().putIfAbsent("413", problem("Request body over the size limit"));
                operation.getResponses().putIfAbsent("415", problem("Content-Type is not application/json"));
                operation.getResponses().putIfAbsent("503", problem("No active model yet, or it is still loading"));
            }
            if (path.equals("/api/v1/training-jobs")) {
                operation.getResponses().putIfAbsent("413", problem("Upload over the size limit"));
                operation.getResponses().putIfAbsent("422", problem("The training file cannot be used; `errors` lists why with line numbers"));
                operation.getResponses().putIfAbsent("503", problem("Training queue full (Retry-After)"));
            }
            if (path.startsWith("/api/v1/models")) {
                operation.getResponses().putIfAbsent("409", problem("Deleting the active version, or activating an unusable one"));
            }
        }));
    }

    private static ApiResponse problem(String description) {
        return new ApiResponse().description(description).content(new Content().addMediaType(
                "application/problem+json", new MediaType().schema(new ObjectSchema().$ref("#/components/schemas/" + PROBLEM))));
    }
}
