package com.example.sentiment.system;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
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
import tools.jackson.databind.json.JsonMapper;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI description: service info, the API-key scheme, the problem-detail error shape and the
 * error responses every operation can give. The generated spec is committed as {@code docs/openapi.json}.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    private static final String PROBLEM = "Problem";
    private static final String INFERENCE_ERROR = "InferenceError";

    @Bean
    OpenAPI sentimentOpenApi() {
        return new OpenAPI()
                .info(new Info().title("Sentiment service API").version("v1")
                        .description("Train LSTM text classifiers on your own labelled data and classify text. "
                                + "Errors are application/problem+json, except under /v2 (the Open Inference Protocol, "
                                + "KServe V2 REST), which answers {\"error\": \"...\"}. When API keys are configured, "
                                + "state-changing calls (and optionally classification, feedback and /v2 inference) "
                                + "need header X-API-Key.")
                        .license(new License().name("Proprietary")))
                .components(new Components()
                        .addSchemas(PROBLEM, problemSchema())
                        .addSecuritySchemes("apiKey", new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                                .in(SecurityScheme.In.HEADER).name("X-API-Key")))
                .addSecurityItem(new SecurityRequirement().addList("apiKey"));
    }

    /** The problem detail every error answer refers to, with the one shape of {@code errors}. */
    private static ObjectSchema problemSchema() {
        ObjectSchema problem = new ObjectSchema();
        problem.description("RFC 9457 problem detail; validation problems add an `errors` list of objects, one shape "
                + "for both: {field, message} for a request field (400 invalid-request), {part, line, message} for a "
                + "row of an uploaded file (422 invalid-dataset; no line for a problem of the whole file)");
        problem.addProperty("type", new StringSchema().example(ProblemTypes.BASE + "invalid-request"));
        problem.addProperty("title", new StringSchema().example("Invalid request"));
        problem.addProperty("status", new IntegerSchema().example(400));
        problem.addProperty("detail", new StringSchema().example("text: must not be blank"));
        problem.addProperty("instance", new StringSchema().example("/api/v1/classify"));
        problem.addProperty("errors", new io.swagger.v3.oas.models.media.ArraySchema().items(new ObjectSchema()
                .addProperty("field", new StringSchema().example("text")
                        .description("the request field (400), e.g. config.epochs or texts[1]"))
                .addProperty("part", new StringSchema().example("data")
                        .description("the uploaded file (422): data or validation"))
                .addProperty("line", new IntegerSchema().example(3)
                        .description("where the row starts in the file, from 1 with the header (422); absent for the whole file"))
                .addProperty("message", new StringSchema().example("must not be blank"))));
        return problem;
    }

    private static final String JOB = "{\"id\":\"0a9fa3bb-dd6e-4083-81ef-d4a9b43f20ab\",\"name\":\"reviews\",\"state\":\"RUNNING\","
            + "\"createdAt\":\"2026-11-28T17:18:33Z\",\"startedAt\":\"2026-11-28T17:18:34Z\",\"finishedAt\":null,"
            + "\"progress\":{\"epoch\":2,\"totalEpochs\":10,\"batch\":25,\"totalBatches\":77,\"percent\":13.2,"
            + "\"etaSeconds\":95,\"examplesPerSecond\":792.1,\"tokensPerSecond\":8205.0},"
            + "\"metrics\":{\"trainLoss\":0.31,\"validationAccuracy\":0.87,\"validationMacroF1\":0.86,"
            + "\"validationAccuracyStandardError\":0.0144,\"validationMacroF1StandardError\":0.0149,\"learningRate\":0.002},"
            + "\"history\":[{\"epoch\":1,\"trainLoss\":0.45,\"validationAccuracy\":0.84,\"validationMacroF1\":0.83,\"seconds\":61.2,"
            + "\"validationLoss\":0.38,\"validationAccuracyStandardError\":0.0157,\"validationMacroF1StandardError\":0.0161,"
            + "\"learningRate\":0.002}],"
            + "\"dataset\":{\"format\":\"csv\",\"sha256\":\"53581b53...\",\"rowsRead\":5452,\"rowsUsed\":5450,\"rowsSkipped\":2,"
            + "\"skippedReasons\":{\"empty text\":2},\"examplesPerLabel\":{\"negative\":2700,\"positive\":2750},"
            + "\"trainExamples\":4905,\"validationExamples\":541,\"validationSource\":\"split\","
            + "\"validationDuplicatesRemoved\":4},"
            + "\"hyperParameters\":{\"epochs\":15,\"batchSize\":64,\"learningRate\":0.002,\"embeddingSize\":100,"
            + "\"lstmUnits\":128,\"bidirectional\":false,\"dropout\":0.5,\"embeddingDropout\":0.25,\"maxSequenceLength\":100,\"minWordFrequency\":1,"
            + "\"maxVocabularySize\":50000,\"seed\":42,\"earlyStoppingPatience\":3,\"pooling\":\"last\","
            + "\"wordVectors\":\"glove-100d.vec\",\"freezeEmbeddings\":false,\"engine\":\"fused\",\"selectionMetric\":\"macroF1\"},\"activate\":\"if-better\",\"error\":null,\"modelId\":null}";
    private static final String MODEL = "{\"id\":\"sst2-fast\",\"name\":\"sst2-fast\","
            + "\"createdAt\":\"2026-12-07T06:34:25Z\",\"labels\":[\"negative\",\"positive\"],\"accuracy\":0.8739,"
            + "\"macroF1\":0.8737,\"accuracyMeasuredOn\":\"dev.csv (872 examples)\",\"active\":true,\"usable\":true,\"problem\":null}";
    private static final String PREDICTION = "{\"modelId\":\"sst2-fast\",\"label\":\"positive\","
            + "\"confidence\":0.97,\"scores\":{\"negative\":0.03,\"positive\":0.97},\"tokens\":7,\"truncated\":false}";
    private static final Map<String, String> EXAMPLES = Map.of(
            "POST /api/v1/training-jobs", JOB.replace("RUNNING", "QUEUED"),
            "GET /api/v1/training-jobs", "{\"items\":[" + JOB + "],\"page\":0,\"size\":20,\"total\":1}",
            "GET /api/v1/training-jobs/{id}", JOB,
            "POST /api/v1/training-jobs/{id}/cancel", JOB.replace("RUNNING", "CANCELLED"),
            "GET /api/v1/models", "[" + MODEL + "]",
            "GET /api/v1/models/{id}", "{\"id\":\"sst2-fast\",\"active\":true,\"usable\":true,\"problem\":null,"
                    + "\"labels\":[\"negative\",\"positive\"],\"vocabularySize\":24759,\"wordVectorsCovered\":23522,"
                    + "\"evaluation\":{\"examples\":6676,\"accuracy\":0.9357,\"macroF1\":0.9350,\"labels\":[\"negative\",\"positive\"],"
                    + "\"perLabel\":[{\"label\":\"negative\",\"precision\":0.919,\"recall\":0.937,\"f1\":0.928,\"support\":2949}],"
                    + "\"confusionMatrix\":[[2763,186],[243,3484]]},\"bestEpoch\":9,\"trainingSeconds\":6782.5}",
            "PUT /api/v1/models/active", MODEL,
            "POST /api/v1/classify", PREDICTION,
            "POST /api/v1/classify/batch", "{\"modelId\":\"sst2-fast\",\"results\":[" + PREDICTION + "]}",
            "GET /api/v1/status", "{\"version\":\"0.1.0-SNAPSHOT\",\"activeModel\":{\"id\":\"sst2-fast\","
                    + "\"labels\":[\"negative\",\"positive\"],\"accuracy\":0.8739,\"createdAt\":\"2026-12-07T06:34:25Z\"},"
                    + "\"training\":{\"runningJobId\":null,\"runningJobPercent\":null,\"queuedJobs\":0},\"storedModels\":3,"
                    + "\"security\":{\"apiKeyRequired\":false,\"classifyApiKeyRequired\":false}}");

    /** Example bodies for the answers of every operation and for the multipart training upload. */
    @Bean
    OpenApiCustomizer examples() {
        JsonMapper json = JsonMapper.builder().build();
        return openApi -> openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> {
            String example = EXAMPLES.get(method.name() + " " + path);
            if (example != null) {
                op.getResponses().forEach((status, response) -> {
                    if (status.startsWith("2") && response.getContent() != null) {
                        response.getContent().values().forEach(media -> media.setExample(json.readValue(example, Object.class)));
                    }
                });
            }
            if (op.getRequestBody() != null && op.getRequestBody().getContent() != null) {
                MediaType multipart = op.getRequestBody().getContent().get("multipart/form-data");
                if (multipart != null) {
                    multipart.setExample(Map.of("data", "(reviews.csv: text,label rows)",
                            "config", "{\"name\":\"reviews\",\"epochs\":5,\"validationSplit\":0.1}"));
                }
                MediaType body = op.getRequestBody().getContent().get("application/json");
                if (body != null) {
                    switch (path) {
                        case "/api/v1/models/active" -> body.setExample(Map.of("modelId", "sst2-fast"));
                        case "/api/v1/classify" -> body.setExample(Map.of("text", "A moving, beautifully acted film."));
                        case "/api/v1/classify/batch" -> body.setExample(Map.of("texts",
                                java.util.List.of("A moving, beautifully acted film.", "Dull and far too long.")));
                        default -> {
                        }
                    }
                }
            }
        }));
    }

    /** Documents the error answers on every operation, with the problem-detail schema. */
    @Bean
    OpenApiCustomizer problemResponses() {
        Map<String, String> common = Map.of(
                "400", "Malformed or invalid request; `errors` names the fields",
                "401", "Missing or wrong X-API-Key, only when keys are configured (SECURITY.md: which key each call needs)",
                "500", "Unexpected failure (logged; no stack trace is sent)");
        return openApi -> {
            // the generator keeps only the schemas the controllers' signatures use: every error answer refers to this
            openApi.getComponents().addSchemas(PROBLEM, problemSchema());
            problemResponses(openApi, common);
        };
    }

    private static void problemResponses(OpenAPI openApi, Map<String, String> common) {
        openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
            if (path.startsWith("/v2")) {
                inferenceErrors(openApi, path, operation);
                return;
            }
            common.forEach((status, description) -> operation.getResponses().putIfAbsent(status, problem(description)));
            if (method != PathItem.HttpMethod.GET && method != PathItem.HttpMethod.HEAD) {
                operation.getResponses().putIfAbsent("403", problem("A browser sent it for another site "
                        + "(`cross-site-request`: Sec-Fetch-Site or Origin), and sentiment.security.allowed-origins does not list it"));
            }
            if (path.equals("/api/v1/feedback") && method == PathItem.HttpMethod.POST) {
                operation.getResponses().putIfAbsent("404", problem("Unknown model version (modelId)"));
                operation.getResponses().putIfAbsent("413", problem("The feedback store is at sentiment.feedback's cap "
                        + "(`feedback-store-full`); an operator must make room"));
                operation.getResponses().putIfAbsent("503", problem("No modelId and no active model to check the label "
                        + "against, or the correction could not be written (`feedback-store-unavailable`); both with Retry-After"));
            }
            if (path.endsWith("/cancel")) {
                operation.getResponses().putIfAbsent("409", problem("The job had finished already (`job-finished`): "
                        + "nothing was cancelled"));
            }
            if (path.contains("{id}") || path.startsWith("/api/v1/classify")) {
                operation.getResponses().putIfAbsent("404", problem("Unknown model version, job or correction"));
            }
            if (path.startsWith("/api/v1/classify")) {
                operation.getResponses().putIfAbsent("413", problem("Request body over the size limit"));
                operation.getResponses().putIfAbsent("415", problem("Content-Type is not application/json"));
                operation.getResponses().putIfAbsent("503", problem("No active model yet (or it is still loading), the classification queue is full "
                        + "(`service-busy`), or the forward pass failed or timed out (`inference-failed`, `inference-timeout`); all with Retry-After"));
            }
            if (path.equals("/api/v1/training-jobs")) {
                operation.getResponses().putIfAbsent("413", problem("Upload over the size limit (`payload-too-large`), or "
                        + "training data that does not fit the memory budget (`insufficient-memory`, with `neededMiB` "
                        + "and `availableMiB`)"));
                operation.getResponses().putIfAbsent("422", problem("The training file cannot be used; `errors` lists "
                        + "why as {part, line, message}"));
                operation.getResponses().putIfAbsent("503", problem("Training queue full (`training-queue-full`), or "
                        + "the job's record cannot be written (`job-storage-unavailable`); both with Retry-After"));
            }
            if (path.startsWith("/api/v1/models")) {
                operation.getResponses().putIfAbsent("409", problem("Deleting the active version, activating an "
                        + "unusable one, or a deletion and an activation of one version racing"));
                operation.getResponses().putIfAbsent("503", problem("The model store or the active-version pointer "
                        + "cannot be read or written (`model-storage-unavailable`, Retry-After); nothing changed"));
            }
        }));
    }

    /**
     * The Open Inference Protocol's error answers, {@code {"error": "..."}}; health and readiness answer 503
     * with the same body as 200.
     */
    private static void inferenceErrors(OpenAPI openApi, String path, Operation operation) {
        openApi.getComponents().addSchemas(INFERENCE_ERROR, new ObjectSchema()
                .addProperty("error", new StringSchema().example("input 'text' must have datatype BYTES, got 'FP32'"))
                .description("An Open Inference Protocol error"));
        if (path.startsWith("/v2/health")) {
            operation.getResponses().putIfAbsent("503", new ApiResponse().description("Not live or not ready")
                    .content(operation.getResponses().get("200").getContent()));
            return;
        }
        if (path.equals("/v2")) {
            return;
        }
        operation.getResponses().putIfAbsent("404", inferenceError("Unknown model or version"));
        if (path.endsWith("/ready")) {
            operation.getResponses().putIfAbsent("409", inferenceError("Not ready: the version cannot be loaded, or "
                    + "no model is active (yet) for \"sentiment\""));
            return;
        }
        operation.getResponses().putIfAbsent("503", inferenceError("No model is active (or it is still loading)"
                + (path.endsWith("/infer") ? ", the classification queue is full, or the forward pass failed or timed out; "
                + "with Retry-After" : "")));
        if (path.endsWith("/infer")) {
            operation.getResponses().putIfAbsent("400", inferenceError("Wrong input name, datatype, shape or data, "
                    + "an unknown output, or texts outside the limits"));
            operation.getResponses().putIfAbsent("401", inferenceError("Missing or wrong X-API-Key (when a classify key is configured)"));
            operation.getResponses().putIfAbsent("403", inferenceError("A browser sent it for another site, and "
                    + "sentiment.security.allowed-origins does not list it"));
            operation.getResponses().putIfAbsent("415", inferenceError("Content-Type is not application/json"));
        }
    }

    private static ApiResponse inferenceError(String description) {
        return new ApiResponse().description(description).content(new Content().addMediaType("application/json",
                new MediaType().schema(new ObjectSchema().$ref("#/components/schemas/" + INFERENCE_ERROR))));
    }

    private static ApiResponse problem(String description) {
        Map<String, Object> example = new java.util.LinkedHashMap<>();
        example.put("type", ProblemTypes.BASE + "invalid-request");
        example.put("title", "Invalid request");
        example.put("status", 400);
        example.put("detail", "config.epochs: must be at least 1");
        example.put("instance", "/api/v1/training-jobs");
        example.put("errors", java.util.List.of(Map.of("field", "config.epochs", "message", "must be at least 1")));
        return new ApiResponse().description(description).content(new Content().addMediaType(
                "application/problem+json", new MediaType().schema(new ObjectSchema().$ref("#/components/schemas/" + PROBLEM))
                        .example(example)));
    }
}
