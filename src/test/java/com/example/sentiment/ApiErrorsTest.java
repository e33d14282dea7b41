package com.example.sentiment;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockMultipartHttpServletRequestBuilder;

/**
 * Every client mistake answers a clear 4xx problem detail, never a 500 or a stack trace. The store is empty
 * here, so nothing is trained: every upload below is refused before a job is created.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "spring.servlet.multipart.max-file-size=64KB",
    "spring.servlet.multipart.max-request-size=128KB",
    "sentiment.classify.max-text-length=100",
    "sentiment.classify.max-batch-size=3"})
class ApiErrorsTest extends FullContext {

    @LocalServerPort
    int port;

    private ResultActions classify(String body) throws Exception {
        return mvc.perform(post("/api/v1/classify").contentType(MediaType.APPLICATION_JSON).content(body));
    }

    private static ResultActions problem(ResultActions result, int status, String type) throws Exception {
        return result.andExpect(status().is(status))
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value(containsString(type)))
                .andExpect(jsonPath("$.detail").isNotEmpty())
                .andExpect(content().string(not(containsString("Exception"))));
    }

    @Test
    void classifyWithoutAnActiveModelSaysHowToGetOne() throws Exception {
        problem(classify("{\"text\":\"great film\"}"), 503, "no-active-model")
                .andExpect(header().exists("Retry-After"))
                .andExpect(jsonPath("$.detail").value(containsString("POST /api/v1/training-jobs")));
    }

    @Test
    void malformedOrWronglyTypedJsonIs400() throws Exception {
        problem(classify("{\"text\": \"unterminated"), 400, "malformed-request");
        problem(classify("{\"text\": 5}"), 400, "malformed-request").andExpect(jsonPath("$.detail").value(containsString("text")));
        problem(classify("{\"texts\": \"x\"}"), 400, "");
        problem(classify("null"), 400, "");
        problem(classify("{}"), 400, "invalid-request").andExpect(jsonPath("$.errors[0].field").value("text"));
        problem(classify("{\"text\":\"ok\",\"surprise\":1}"), 400, "malformed-request")
                .andExpect(jsonPath("$.detail").value(containsString("surprise")));
        problem(classify("{\"text\":\"ok\",\"text\":\"again\"}"), 400, "malformed-request");
        problem(classify("{\"text\":\"ok\"} trailing"), 400, "malformed-request");
        problem(classify("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"), 400, "malformed-request");
        problem(classify(""), 400, "malformed-request");
    }

    @Test
    void blankTooLongAndTooManyTextsAre400NamingTheField() throws Exception {
        problem(classify("{\"text\":\"   \"}"), 400, "invalid-request").andExpect(jsonPath("$.errors[0].field").value("text"));
        problem(classify("{\"text\":\"" + "a".repeat(101) + "\"}"), 400, "invalid-request")
                .andExpect(jsonPath("$.detail").value(containsString("at most 100 characters")));
        problem(mvc.perform(post("/api/v1/classify/batch").contentType(MediaType.APPLICATION_JSON)
                .content("{\"texts\":[\"a\",\"b\",\"c\",\"d\"]}")), 400, "invalid-request")
                .andExpect(jsonPath("$.detail").value(containsString("at most 3 texts")));
        problem(mvc.perform(post("/api/v1/classify/batch").contentType(MediaType.APPLICATION_JSON)
                .content("{\"texts\":[\"fine\",\"\"]}")), 400, "invalid-request")
                .andExpect(jsonPath("$.errors[0].field").value("texts[1]"));
    }

    @Test
    void wrongContentTypeIs415() throws Exception {
        problem(mvc.perform(post("/api/v1/classify").contentType(MediaType.TEXT_PLAIN).content("great")), 415,
                "unsupported-media-type");
        problem(mvc.perform(post("/api/v1/training-jobs").contentType(MediaType.APPLICATION_JSON).content("{}")),
                415, "unsupported-media-type");
    }

    @Test
    void unknownAndPathLikeIdsAre404() throws Exception {
        problem(mvc.perform(get("/api/v1/models/20990101-000000-abcd")), 404, "model-not-found");
        problem(mvc.perform(get("/api/v1/models/..%2F..%2Fetc%2Fpasswd")), 404, "");
        problem(mvc.perform(delete("/api/v1/models/..")), 404, "");
        problem(mvc.perform(get("/api/v1/training-jobs/nope")), 404, "training-job-not-found");
        problem(mvc.perform(post("/api/v1/training-jobs/nope/cancel")), 404, "training-job-not-found");
        problem(classify("{\"text\":\"fine\",\"modelId\":\"../../etc/passwd\"}"), 404, "model-not-found");
        problem(mvc.perform(put("/api/v1/models/active").contentType(MediaType.APPLICATION_JSON)
                .content("{\"modelId\":\"/etc/passwd\"}")), 404, "model-not-found");
    }

    private ResultActions upload(String filename, byte[] data, String config) throws Exception {
        MockMultipartHttpServletRequestBuilder request = multipart("/api/v1/training-jobs");
        if (data != null) {
            request.file(new MockMultipartFile("data", filename, "text/csv", data));
        }
        if (config != null) {
            request.file(new MockMultipartFile("config", "", "application/json", config.getBytes(StandardCharsets.UTF_8)));
        }
        return mvc.perform(request);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void unusableTrainingFilesAre422WithTheReasons() throws Exception {
        problem(upload("d.csv", bytes(""), null), 422, "invalid-dataset")
                .andExpect(jsonPath("$.errors[*].message").value(hasItem(containsString("empty"))));
        problem(upload("d.csv", bytes("text,label\n\"open quote,positive\nfine,negative\n"), null), 422, "invalid-dataset")
                .andExpect(jsonPath("$.errors[0].line").value(2));
        problem(upload("d.csv", bytes("text,label\na,positive\nb,negative,extra\n"), null), 422, "invalid-dataset")
                .andExpect(jsonPath("$.errors[0].line").value(3));
        problem(upload("d.csv", bytes("review,stars\ngood,5\nbad,1\n"), null), 422, "invalid-dataset")
                .andExpect(jsonPath("$.detail").value(containsString("no column 'text'")));
        problem(upload("d.csv", bytes("text,label\na,positive\nb,positive\nc,positive\n"), null), 422, "invalid-dataset")
                .andExpect(jsonPath("$.detail").value(containsString("at least 2 different labels")));
        problem(upload("d.csv", bytes("text,label\na,positive\nb,positive\nc,negative\n"), null), 422, "invalid-dataset")
                .andExpect(jsonPath("$.detail").value(containsString("'negative' has 1 example")));
        problem(upload("d.bin", new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, (byte) 0xc3}, null), 422, "invalid-dataset")
                .andExpect(jsonPath("$.detail").value(containsString("not UTF-8")));
        problem(upload("d.jsonl", bytes("{\"text\":\"a\",\"label\":\"x\"}\nnot json\n"), null), 422, "invalid-dataset")
                .andExpect(jsonPath("$.errors[0].line").value(2));
    }

    @Test
    void badConfigIs400NamingTheField() throws Exception {
        String csv = TestCorpus.csv(20, 1);
        problem(upload("d.csv", bytes(csv), "{\"epochs\":0}"), 400, "invalid-request")
                .andExpect(jsonPath("$.errors[0].field").value("config.epochs"));
        problem(upload("d.csv", bytes(csv), "{\"epochs\":1000000000,\"batchSize\":0,\"dropout\":1.5}"), 400, "invalid-request")
                .andExpect(jsonPath("$.errors.length()").value(3));
        problem(upload("d.csv", bytes(csv), "{\"learningRate\":-1}"), 400, "invalid-request");
        problem(upload("d.csv", bytes(csv), "{\"epochz\":3}"), 400, "invalid-request")
                .andExpect(jsonPath("$.errors[0].field").value("config.epochz"));
        problem(upload("d.csv", bytes(csv), "{\"epochs\":\"many\"}"), 400, "invalid-request");
        problem(upload("d.csv", bytes(csv), "not json"), 400, "invalid-request");
        problem(upload("d.csv", bytes(csv), "{\"pooling\":\"sideways\"}"), 400, "invalid-request");
        problem(upload("d.csv", bytes(csv), "{\"selectionMetric\":\"recall\"}"), 400, "invalid-request")
                .andExpect(jsonPath("$.errors[0].field").value("config.selectionMetric"))
                .andExpect(jsonPath("$.errors[0].message").value("must be one of accuracy, macroF1, loss"));
        problem(upload("d.csv", bytes(csv), "{\"classWeights\":\"heavy\"}"), 400, "invalid-request")
                .andExpect(jsonPath("$.errors[0].field").value("config.classWeights"))
                .andExpect(jsonPath("$.errors[0].message").value("must be one of none, balanced"));
        problem(upload("d.csv", bytes(csv), "{\"wordVectors\":\"../../etc/passwd\"}"), 400, "invalid-request")
                .andExpect(jsonPath("$.errors[0].field").value("config.wordVectors"));
        problem(upload("d.csv", bytes(csv), "{\"wordVectors\":\"missing.txt\"}"), 400, "invalid-request")
                .andExpect(jsonPath("$.detail").value(containsString("no file 'missing.txt'")));
        // the answer names what may be asked for: word vectors, or one of the bundled encoders
        problem(upload("d.csv", bytes(csv), "{\"encoder\":\"bge-huge\"}"), 400, "invalid-request")
                .andExpect(jsonPath("$.errors[0].field").value("config.encoder"))
                .andExpect(jsonPath("$.errors[0].message")
                        .value("no encoder 'bge-huge': must be one of word-vectors, e5-small, minilm-l6"));
        problem(upload("d.csv", bytes(csv), "{\"encoder\":\"../onnx\"}"), 400, "invalid-request")
                .andExpect(jsonPath("$.errors[0].field").value("config.encoder"));
        for (String activate : new String[] {"\"maybe\"", "1", "\"true\""}) {
            problem(upload("d.csv", bytes(csv), "{\"activate\":" + activate + "}"), 400, "invalid-request")
                    .andExpect(jsonPath("$.errors[0].field").value("config.activate"));
        }
        problem(upload("d.csv", bytes(csv), "{\"includeFeedback\":\"yes\"}"), 400, "invalid-request")
                .andExpect(jsonPath("$.errors[0].field").value("config.includeFeedback"));
    }

    @Test
    void missingDataPartIs400AndOversizedUploadIs413() throws Exception {
        problem(upload(null, null, "{}"), 400, "invalid-request")
                .andExpect(jsonPath("$.detail").value(containsString("data")));
        // MockMvc does not parse multipart bodies, so the size limit is checked over real HTTP
        HttpResponse<String> response = HttpClient.newHttpClient().send(TrainingUpload.request(
                "http://localhost:" + port, "text,label\n" + "x,positive\n".repeat(20_000), null).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(response.body()).contains("payload-too-large").doesNotContain("Exception");
    }

    @Test
    void modelListIsEmptyAndStatusSaysSo() throws Exception {
        mvc.perform(get("/api/v1/models")).andExpect(status().isOk()).andExpect(jsonPath("$.length()").value(0));
        mvc.perform(get("/api/v1/status")).andExpect(status().isOk())
                .andExpect(jsonPath("$.activeModel").doesNotExist())
                .andExpect(jsonPath("$.storedModels").value(0))
                .andExpect(jsonPath("$.security.apiKeyRequired").value(false));
    }
}
