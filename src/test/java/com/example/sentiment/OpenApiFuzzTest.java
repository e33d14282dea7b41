package com.example.sentiment;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.sentiment.model.ModelService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Fuzzes the HTTP API from its committed description, {@code docs/openapi.json}: for every operation in it,
 * requests with valid and hostile path and query parameters and bodies generated from the operation's schemas
 * (wrong types, nulls, huge and negative numbers, empty, very long, unicode and NUL strings, lone surrogates,
 * extra and missing fields, malformed JSON and UTF-8, wrong content types, multipart with odd or broken parts,
 * other methods), sent over real HTTP to a service on 127.0.0.1 with a tiny model. Every answer must be below
 * 500; every error must be {@code application/problem+json} (under {@code /v2} the protocol's
 * {@code {"error": ...}} JSON is accepted too) without a stack trace; and afterwards the service must give the
 * same scores as before.
 *
 * <p>The generator is written here over the spec parsed with Jackson rather than taken from a library
 * (such as a property-based or OpenAPI fuzzing tool): the spec is small, the hostile values that matter are
 * specific to this service (the limits, the multipart upload, the {@code /v2} error form), and a library
 * would add a dependency and a second JSON stack for a few hundred lines. Uploads never carry a dataset that
 * could train (and {@code includeFeedback} is never sent), so no training job takes the cores.
 *
 * <p>Bounded: at most {@value #MAX_REQUESTS} requests and {@value #MAX_SECONDS} s of sending. The seed is
 * fixed ({@value #SEED}; {@code -Dfuzz.seed=...} to try another), and every failing request is printed
 * whole, so a failure reproduces.
 */
class OpenApiFuzzTest {

    static final long SEED = 24;
    static final int MAX_REQUESTS = 2000;
    static final int MAX_SECONDS = 75;
    static final JsonMapper JSON = ServiceClient.JSON;
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final String PROBE = "the acting was wonderful and the music great";

    @TempDir
    static Path models;
    static ConfigurableApplicationContext app;
    static ServiceClient client;
    static String activeId;

    @BeforeAll
    static void startWithATinyModel() throws Exception {
        app = new SpringApplicationBuilder(SentimentApplication.class).run("--server.port=0",
                "--server.address=127.0.0.1",
                "--sentiment.models-dir=" + models, "--sentiment.vectors-dir=" + models.resolve("no-vectors"),
                "--sentiment.classify.max-text-length=300", "--sentiment.classify.max-batch-size=4",
                "--sentiment.classify.max-request-size=64KB", "--sentiment.training.defaults.epochs=1",
                "--spring.servlet.multipart.max-file-size=128KB", "--spring.servlet.multipart.max-request-size=256KB");
        activeId = TinyModel.activate(app.getBean(ModelService.class), 120, 3);
        client = new ServiceClient("http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port"),
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build());
        client.awaitReady();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    /** One operation of the spec. */
    record Operation(String method, String path, JsonNode spec) {
    }

    /** One generated request, printable in full when it fails. */
    record Fuzzed(String method, String path, String contentType, byte[] body, String strategy) {
        @Override
        public String toString() {
            String text = new String(body, StandardCharsets.UTF_8);
            if (text.length() > 600) {
                text = text.substring(0, 600) + "... (" + body.length + " bytes)";
            }
            return method + " " + path + " [" + strategy + "]" + (contentType == null ? "" : "\nContent-Type: " + contentType)
                    + (body.length == 0 ? "" : "\n" + text.replace("\u0000", "\\u0000"));
        }
    }

    @Test
    @Timeout(180)
    void noGeneratedRequestGetsA5xxOrAnErrorThatIsNotAProblemAndTheServiceStillClassifies() throws Exception {
        JsonNode spec = JSON.readTree(Files.readString(Path.of("docs/openapi.json")));
        List<Operation> operations = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : spec.get("paths").properties()) {
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                operations.add(new Operation(op.getKey().toUpperCase(Locale.ROOT), path.getKey(), op.getValue()));
            }
        }
        assertThat(operations).hasSizeGreaterThan(20);
        Map<String, Double> before = client.scores(PROBE);

        long seed = Long.getLong("fuzz.seed", SEED);
        Generator generator = new Generator(spec, new Random(seed));
        List<String> failures = new ArrayList<>();
        Map<String, Integer> statuses = new HashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(MAX_SECONDS).toNanos();
        int sent = 0;
        for (; sent < MAX_REQUESTS && System.nanoTime() < deadline; sent++) {
            Operation operation = operations.get(sent % operations.size());
            Fuzzed request = generator.request(operation);
            HttpResponse<String> response = send(request);
            statuses.merge(operation.method() + " " + operation.path() + " " + response.statusCode(), 1, Integer::sum);
            String problem = judge(request, response);
            if (problem != null) {
                failures.add("request #" + sent + " (seed " + seed + "): " + request + "\n-> " + response.statusCode() + " "
                        + response.headers().firstValue("Content-Type").orElse("(no content type)") + " " + response.body()
                        + "\n   " + problem);
            }
            generator.learn(request, response);
        }
        failures.forEach(System.out::println);
        System.out.println("OpenApiFuzzTest: " + sent + " requests, seed " + seed + ", " + failures.size() + " failures; "
                + "answers by operation and status: " + new java.util.TreeMap<>(statuses));
        assertThat(sent).as("requests sent in time").isGreaterThan(300);
        assertThat(failures).as("requests answered 5xx or with an error that is not a problem detail").isEmpty();

        // the service still works, and as before: same model, same scores
        assertThat(client.get("/actuator/health/liveness").status()).isEqualTo(200);
        assertThat(client.get("/api/v1/status").json().get("activeModel").get("id").asString()).isEqualTo(activeId);
        assertThat(client.scores(PROBE)).isEqualTo(before);
        ServiceClient.Answer batch = client.postJson("/api/v1/classify/batch",
                "{\"texts\":[\"a wonderful film\",\"dull and boring\"]}");
        assertThat(batch.status()).isEqualTo(200);
        assertThat(batch.json().get("results").size()).isEqualTo(2);
    }

    static HttpResponse<String> send(Fuzzed f) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(client.base() + f.path()))
                .timeout(Duration.ofSeconds(30))
                .method(f.method(), f.body().length == 0 && !f.method().equals("POST") && !f.method().equals("PUT")
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(f.body()));
        if (f.contentType() != null) {
            request.header("Content-Type", f.contentType());
        }
        return client.http().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Null when the answer is acceptable, otherwise what is wrong with it. */
    static String judge(Fuzzed request, HttpResponse<String> response) {
        int status = response.statusCode();
        if (status >= 500) {
            return "a server error for a client's request";
        }
        if (status < 400) {
            return null;
        }
        String type = response.headers().firstValue("Content-Type").orElse("");
        String body = response.body();
        if (body.contains("\tat ") || body.contains("Exception")) {
            return "the error shows a stack trace or an exception name";
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (RuntimeException e) {
            return "the error is not JSON";
        }
        if (type.startsWith("application/problem+json")) {
            if (json == null || !json.hasNonNull("type") || !json.hasNonNull("title") || json.path("status").asInt() != status) {
                return "a problem detail without type, title or the response's status";
            }
            return null;
        }
        if (request.path().startsWith("/v2") && type.startsWith("application/json")) {
            return json != null && json.path("error").isString() && !json.path("error").asString().isBlank()
                    ? null : "a /v2 error without {\"error\": \"...\"}";
        }
        return "an error that is not application/problem+json";
    }

    /** Generates requests from the spec's operations and schemas, valid ones and hostile ones. */
    static final class Generator {

        private final JsonNode spec;
        private final Random random;
        /** Raw JSON text (a number JSON types cannot hold, a lone surrogate) stood in for by a string token. */
        private final Map<String, String> raw = new HashMap<>();
        private final List<String> feedbackIds = new ArrayList<>();

        Generator(JsonNode spec, Random random) {
            this.spec = spec;
            this.random = random;
        }

        /** Keeps the ids of stored corrections, so that later requests can name real ones. */
        void learn(Fuzzed request, HttpResponse<String> response) {
            if (request.path().equals("/api/v1/feedback") && response.statusCode() == 201) {
                JsonNode id = JSON.readTree(response.body()).get("id");
                if (id != null && feedbackIds.size() < 20) {
                    feedbackIds.add(id.asString());
                }
            }
        }

        Fuzzed request(Operation op) {
            String method = op.method();
            String strategy = "valid";
            if (chance(0.04)) {
                method = pick("GET", "POST", "PUT", "DELETE", "PATCH");
                strategy = "other method";
            }
            String path = path(op);
            JsonNode content = op.spec().path("requestBody").path("content");
            if (content.has("multipart/form-data")) {
                Multipart multipart = multipart(content.get("multipart/form-data").get("schema"));
                return new Fuzzed(method, path, multipart.contentType, multipart.body, multipart.strategy);
            }
            if (content.has("application/json")) {
                JsonNode schema = resolve(content.get("application/json").get("schema"));
                return json(method, path, schema);
            }
            if (chance(0.15)) {
                // a body where none is expected
                return new Fuzzed(method, path, pick("application/json", "text/plain", null), bytes("{\"x\":1}"), "unexpected body");
            }
            return new Fuzzed(method, path, null, new byte[0], strategy);
        }

        private Fuzzed json(String method, String path, JsonNode schema) {
            JsonNode body = valid(schema, "", 0);
            String strategy;
            int roll = random.nextInt(10);
            switch (roll) {
                case 0, 1 -> strategy = "valid";
                case 2, 3, 4 -> strategy = "hostile field " + replaceOne(body, schema);
                case 5 -> {
                    ((ObjectNode) body).set(pick("extra", "__proto__", "text ", "TEXT", "@type", ""), hostile(schema));
                    strategy = "extra field";
                }
                case 6 -> {
                    Iterator<String> names = schema.path("required").valueStream().map(JsonNode::asString).iterator();
                    if (names.hasNext()) {
                        ((ObjectNode) body).remove(names.next());
                    }
                    strategy = "required field missing";
                }
                case 7 -> {
                    body = hostile(schema);
                    strategy = "hostile body";
                }
                default -> {
                    return malformed(method, path, body);
                }
            }
            return new Fuzzed(method, path, "application/json", serialise(body), strategy);
        }

        private Fuzzed malformed(String method, String path, JsonNode body) {
            byte[] valid = serialise(body);
            String text = new String(valid, StandardCharsets.UTF_8);
            return switch (random.nextInt(12)) {
                case 0 -> new Fuzzed(method, path, "application/json", bytes(text.substring(0, random.nextInt(text.length()))), "truncated JSON");
                case 1 -> new Fuzzed(method, path, "application/json", bytes(text + pick("}", "]", "x", ",{}", " null")), "trailing garbage");
                case 2 -> new Fuzzed(method, path, "application/json", new byte[0], "empty body");
                case 3 -> new Fuzzed(method, path, "application/json", concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, valid), "byte order mark");
                case 4 -> {
                    byte[] broken = valid.clone();
                    broken[random.nextInt(broken.length)] = (byte) (int) pick(0xff, 0xc3, 0x80, 0x00, 0xed);
                    yield new Fuzzed(method, path, "application/json", broken, "invalid UTF-8 byte");
                }
                case 5 -> new Fuzzed(method, path, pick("text/plain", "application/xml", "application/x-www-form-urlencoded",
                        "text/csv", "application/octet-stream", "*/*", "application"), valid, "wrong content type");
                case 6 -> new Fuzzed(method, path, null, valid, "no content type");
                case 7 -> new Fuzzed(method, path, pick("application/json; charset=nope", "application/json; charset=UTF-16",
                        "application/json; charset=\"", "application/json;;;", "application/json; boundary=x"), valid, "odd charset");
                case 8 -> new Fuzzed(method, path, "multipart/form-data; boundary=b", bytes("--b\r\nContent-Disposition: form-data; "
                        + "name=\"text\"\r\n\r\nhello\r\n--b--\r\n"), "multipart for JSON");
                case 9 -> new Fuzzed(method, path, "application/json", bytes("[".repeat(random.nextInt(3000) + 1)), "deep nesting");
                case 10 -> new Fuzzed(method, path, "application/json", bytes(pick("NaN", "Infinity", "'single'", "{'a':1}",
                        "{\"text\":\"a\" \"b\"}", "{\"text\":\"\\x41\"}", "{\"text\":\"\\ud800\"}", "{text:1}", "\u0000")), "not JSON");
                default -> new Fuzzed(method, path, "application/json", bytes("{\"text\":\"" + "a".repeat(70_000) + "\"}"), "over the size limit");
            };
        }

        /** Replaces one value somewhere in {@code body} (an object of {@code schema}) with a hostile one; says which. */
        private String replaceOne(JsonNode body, JsonNode schema) {
            if (!(body instanceof ObjectNode object) || object.isEmpty()) {
                return "(none)";
            }
            List<String> names = new ArrayList<>(object.propertyNames());
            String name = names.get(random.nextInt(names.size()));
            JsonNode property = resolve(schema.path("properties").path(name));
            JsonNode value = object.get(name);
            if (value instanceof ObjectNode && chance(0.5) && !property.path("properties").isEmpty()) {
                return name + "." + replaceOne(value, property);
            }
            if (value instanceof ArrayNode array && !array.isEmpty() && chance(0.6)) {
                int i = random.nextInt(array.size());
                JsonNode items = resolve(property.path("items"));
                if (array.get(i) instanceof ObjectNode && chance(0.5)) {
                    return name + "[" + i + "]." + replaceOne(array.get(i), items);
                }
                array.set(i, hostile(items));
                return name + "[" + i + "]";
            }
            object.set(name, hostile(property));
            return name;
        }

        /** A value of the schema, plausible for the property's name. */
        JsonNode valid(JsonNode schema, String name, int depth) {
            schema = resolve(schema);
            String type = schema.path("type").asString("object");
            switch (name) {
                case "modelId", "version" -> {
                    return NODES.stringNode(pick(activeId, activeId, "nope", "sentiment"));
                }
                case "text" -> {
                    return NODES.stringNode(pick(PROBE, "dull and far too long", "ok"));
                }
                case "texts" -> {
                    ArrayNode texts = NODES.arrayNode();
                    for (int i = random.nextInt(4) + 1; i > 0; i--) {
                        texts.add(pick(PROBE, "a dull film", "great"));
                    }
                    return texts;
                }
                case "label", "predictedLabel" -> {
                    return NODES.stringNode(pick("positive", "negative", "neutral"));
                }
                case "datatype" -> {
                    return NODES.stringNode(pick("BYTES", "BYTES", "FP32"));
                }
                case "shape" -> {
                    return NODES.arrayNode().add(random.nextInt(3) + 1);
                }
                case "data" -> {
                    return NODES.arrayNode().add("a moving film").add(pick("boring", "fine"));
                }
                case "name" -> {
                    return NODES.stringNode(pick("text", "label", "probabilities"));
                }
                default -> {
                }
            }
            switch (type) {
                case "object" -> {
                    ObjectNode object = NODES.objectNode();
                    if (depth < 4) {
                        List<String> required = schema.path("required").valueStream().map(JsonNode::asString).toList();
                        for (Map.Entry<String, JsonNode> p : schema.path("properties").properties()) {
                            if (required.contains(p.getKey()) || chance(0.5)) {
                                object.set(p.getKey(), valid(p.getValue(), p.getKey(), depth + 1));
                            }
                        }
                    }
                    return object;
                }
                case "array" -> {
                    ArrayNode array = NODES.arrayNode();
                    for (int i = random.nextInt(2) + 1; i > 0 && depth < 4; i--) {
                        array.add(valid(schema.path("items"), "", depth + 1));
                    }
                    return array;
                }
                case "number" -> {
                    return NODES.numberNode(pick(0.5, 0.7, 1.0, 0.01));
                }
                case "integer" -> {
                    return NODES.numberNode(random.nextInt(5));
                }
                case "boolean" -> {
                    return NODES.booleanNode(random.nextBoolean());
                }
                default -> {
                    return NODES.stringNode(pick("ok", "a fine film", activeId));
                }
            }
        }

        /** A value that a schema of this type should refuse, or that tests its edges. */
        JsonNode hostile(JsonNode schema) {
            schema = resolve(schema);
            return switch (random.nextInt(16)) {
                case 0 -> NODES.nullNode();
                case 1 -> NODES.numberNode(pick(-1, 0, Integer.MAX_VALUE, Integer.MIN_VALUE));
                case 2 -> rawNode(pick("1e999999999", "-1e400", "9".repeat(500), "-0", "1.0e-400", "9223372036854775808", "0.0000001"));
                case 3 -> NODES.numberNode(pick(-0.5, 1.5, 1e308, Double.MIN_VALUE));
                case 4 -> NODES.booleanNode(random.nextBoolean());
                case 5 -> NODES.stringNode("");
                case 6 -> NODES.stringNode(pick(" ", "\t\n", "\u00a0", "\u200b"));
                case 7 -> NODES.stringNode("x".repeat(pick(101, 301, 5_000, 40_000)));
                case 8 -> NODES.stringNode(pick("\u0000", "a\u0000b", "\u0007\u001b[31m", "line\nbreak", "\r\n"));
                case 9 -> NODES.stringNode(pick("\uD83D\uDE00 great", "\u202eevil", "e\u0301", "\u05e1\u05e8\u05d8",
                        "\uFFFF", "\uFEFF", "Ω≈ç√"));
                case 10 -> rawNode(pick("\"\\ud800\"", "\"\\udfff x\"", "\"\\u0000\""));
                case 11 -> NODES.stringNode(pick("../../etc/passwd", "%2e%2e%2f", "${jndi:ldap://127.0.0.1/x}", "<script>",
                        "'; DROP TABLE feedback;--", "=cmd|'/c calc'!A1", "C:\\\\windows"));
                case 12 -> NODES.arrayNode().add(pick("a", "b")).add(NODES.nullNode());
                case 13 -> NODES.objectNode().put("nested", pick("a", "b"));
                case 14 -> NODES.arrayNode();
                default -> NODES.stringNode(pick("not-a-number", "true", "1", "NaN", "sentiment"));
            };
        }

        /** Path parameters filled in, valid or hostile, and sometimes a query with odd values. */
        private String path(Operation op) {
            String path = op.path();
            for (JsonNode parameter : op.spec().path("parameters")) {
                if (parameter.path("in").asString().equals("path")) {
                    path = path.replace("{" + parameter.get("name").asString() + "}", pathValue(parameter.get("name").asString()));
                }
            }
            StringBuilder query = new StringBuilder();
            for (JsonNode parameter : op.spec().path("parameters")) {
                if (parameter.path("in").asString().equals("query") && chance(0.7)) {
                    // a valid value percent-encoded, as a client sends it (string settings may hold spaces)
                    String value = chance(0.5)
                            ? encode(valid(parameter.path("schema"), parameter.get("name").asString(), 0).asString())
                            : pick("-1", "0", "201", "2147483648", "99999999999999999999", "abc", "", "1.5", "%00", "%25",
                            encode("\uD83D\uDE00"), encode("x".repeat(3000)), "1&page=2");
                    if (value.isEmpty() && parameter.path("schema").path("type").asString().equals("integer") && chance(0.5)) {
                        value = String.valueOf(random.nextInt(300) - 50);
                    }
                    query.append(query.isEmpty() ? '?' : '&').append(parameter.get("name").asString()).append('=').append(value);
                }
            }
            if (chance(0.05)) {
                query.append(query.isEmpty() ? '?' : '&').append(pick("unknown=1", "page", "=", "a=%C0%AE"));
            }
            return path + query;
        }

        private String pathValue(String name) {
            if (chance(0.4)) {
                return switch (name) {
                    case "name" -> pick("sentiment", activeId);
                    case "version" -> activeId;
                    default -> feedbackIds.isEmpty() || chance(0.5) ? activeId : feedbackIds.get(random.nextInt(feedbackIds.size()));
                };
            }
            return pick("nope", "..", "%2e%2e", "%00", "-1", "0", "99999999999999999999999", encode("x".repeat(2000)),
                    encode("\uD83D\uDE00"), encode("a b"), "%C0%AE%C0%AE", "a;b=c", "%3B", "active", "export", "%20",
                    encode("\u0000"), encode("<script>"), "sentiment%2Fx", activeId + "%00", activeId.toUpperCase(Locale.ROOT));
        }

        private record Multipart(String contentType, byte[] body, String strategy) {
        }

        /** A training upload: odd parts, or a body that is not multipart at all. Never a dataset that could train. */
        private Multipart multipart(JsonNode schema) {
            String boundary = "fuzz" + random.nextInt(1_000_000);
            String type = "multipart/form-data; boundary=" + boundary;
            if (chance(0.2)) {
                String part = "Content-Disposition: form-data; name=\"data\"; filename=\"d.csv\"\r\n\r\ntext,label\nx,positive\n";
                return switch (random.nextInt(8)) {
                    case 0 -> new Multipart(type, bytes("--other\r\n" + part + "\r\n--other--\r\n"), "multipart: wrong boundary");
                    case 1 -> new Multipart(type, bytes("--" + boundary + "\r\n" + part.substring(0, random.nextInt(part.length()))),
                            "multipart: truncated");
                    case 2 -> new Multipart("multipart/form-data", bytes("--" + boundary + "\r\n" + part + "\r\n--" + boundary + "--\r\n"),
                            "multipart: no boundary");
                    case 3 -> new Multipart(type, bytes("--" + boundary + "\r\n\r\nno headers\r\n--" + boundary + "--\r\n"),
                            "multipart: part without headers");
                    case 4 -> new Multipart(type, new byte[0], "multipart: empty body");
                    case 5 -> new Multipart(pick("application/json", "text/csv", "application/x-www-form-urlencoded"),
                            bytes("text,label\nx,positive\n"), "upload without multipart");
                    case 6 -> new Multipart("multipart/mixed; boundary=" + boundary, bytes("--" + boundary + "\r\n" + part
                            + "\r\n--" + boundary + "--\r\n"), "multipart/mixed");
                    default -> new Multipart(type, bytes("--" + boundary + "\r\n" + part.replace("data", "data\u0000")
                            .replace("d.csv", "../../\u00e9.csv") + "\r\n--" + boundary + "--\r\n"), "multipart: odd names");
                };
            }
            StringBuilder body = new StringBuilder();
            List<String> parts = new ArrayList<>();
            for (Map.Entry<String, JsonNode> p : resolve(schema).path("properties").properties()) {
                if (chance(p.getKey().equals("data") ? 0.85 : 0.5)) {
                    parts.add(p.getKey());
                }
            }
            if (chance(0.15)) {
                parts.add(pick("data", "extra", "", "config"));
            }
            for (String name : parts) {
                body.append("--").append(boundary).append("\r\n");
                if (name.equals("config")) {
                    body.append("Content-Disposition: form-data; name=\"config\"\r\n");
                    if (chance(0.3)) {
                        body.append("Content-Type: ").append(pick("application/json", "text/plain", "image/png")).append("\r\n");
                    }
                    body.append("\r\n").append(config());
                } else {
                    body.append("Content-Disposition: form-data; name=\"").append(name).append('"');
                    if (chance(0.85)) {
                        body.append("; filename=\"").append(pick("d.csv", "d.tsv", "d.jsonl", "d", "", "../../x.csv", "\u00e9.csv"))
                                .append('"');
                    }
                    body.append("\r\nContent-Type: ").append(pick("text/csv", "application/octet-stream", "text/plain"))
                            .append("\r\n\r\n").append(dataset());
                }
                body.append("\r\n");
            }
            body.append("--").append(boundary).append("--\r\n");
            return new Multipart(type, bytes(body.toString()), "upload with parts " + parts);
        }

        /** A training file that cannot train: no rows, one label, broken rows, binary. */
        private String dataset() {
            return switch (random.nextInt(11)) {
                case 0 -> "";
                case 1 -> "text,label\n";
                case 2 -> "text,label\n" + "a fine film,positive\n".repeat(random.nextInt(50) + 1);
                case 3 -> "\u0000\u0001\u0002\u00ff\ufffd binary";
                case 4 -> "text;label\nx;positive\ny;negative\nz;positive\nw;negative\n";
                case 5 -> "{\"text\": 1}\n{broken\n";
                case 6 -> "text,label\n\"unterminated,positive\nok,negative\n";
                case 7 -> "text,label\n,positive\nx,\n,\n";
                case 8 -> "text,label\n" + "x".repeat(20_000) + ",positive\n";
                case 9 -> "text,label\nbad row,positive,extra\nx\n";
                default -> "text,label\n" + "a".repeat(200_000);
            };
        }

        /** A {@code config} part: valid settings, hostile values, unknown fields or not JSON. */
        private String config() {
            ObjectNode config = NODES.objectNode();
            String[] fields = {"epochs", "batchSize", "learningRate", "embeddingSize", "lstmUnits", "dropout", "name",
                "maxSequenceLength", "activate", "wordVectors", "textColumn", "labelColumn", "pooling", "engine",
                "validationSplit", "seed", "preset", "classWeights", "encoder", "unknownField"};
            for (int i = random.nextInt(3); i >= 0; i--) {
                config.set(fields[random.nextInt(fields.length)], chance(0.3) ? NODES.numberNode(1) : hostile(NODES.objectNode()));
            }
            return switch (random.nextInt(6)) {
                case 0 -> "";
                case 1 -> pick("{", "null", "[]", "\"x\"", "{\"epochs\":NaN}", "{\"epochs\":1e400}");
                default -> new String(serialise(config), StandardCharsets.UTF_8);
            };
        }

        private JsonNode resolve(JsonNode schema) {
            while (schema.has("$ref")) {
                String name = schema.get("$ref").asString().substring("#/components/schemas/".length());
                schema = spec.path("components").path("schemas").path(name);
            }
            return schema;
        }

        private JsonNode rawNode(String json) {
            String token = "@@raw" + raw.size() + "@@";
            raw.put(token, json);
            return NODES.stringNode(token);
        }

        private byte[] serialise(JsonNode body) {
            String text = JSON.writeValueAsString(body);
            for (Map.Entry<String, String> token : raw.entrySet()) {
                text = text.replace("\"" + token.getKey() + "\"", token.getValue());
            }
            return bytes(text);
        }

        private boolean chance(double p) {
            return random.nextDouble() < p;
        }

        @SafeVarargs
        private <T> T pick(T... choices) {
            return choices[random.nextInt(choices.length)];
        }

        private static String encode(String value) {
            StringBuilder out = new StringBuilder();
            for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
                char c = (char) (b & 0xff);
                if (Character.isLetterOrDigit(c) && c < 128 || "-._~".indexOf(c) >= 0) {
                    out.append(c);
                } else {
                    out.append('%').append(String.format("%02X", b & 0xff));
                }
            }
            return out.toString();
        }

        private static byte[] bytes(String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }

        private static byte[] concat(byte[] a, byte[] b) {
            byte[] out = new byte[a.length + b.length];
            System.arraycopy(a, 0, out, 0, a.length);
            System.arraycopy(b, 0, out, a.length, b.length);
            return out;
        }
    }
}
