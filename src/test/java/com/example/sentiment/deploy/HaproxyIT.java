package com.example.sentiment.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/haproxy/haproxy.cfg.template}, rendered by {@code render.sh} and run by the real haproxy in front of
 * two stand-in replicas (JDK HTTP servers whose readiness and failures the test controls): round robin, health
 * checks on readiness, retries that hide a dead replica, and no second attempt of a state-changing request that a
 * replica may have acted on. The service itself is not needed; the cluster script runs haproxy before real ones.
 *
 * <p>Skipped without {@code haproxy} on the PATH (Debian: {@code apt-get install haproxy}), unless
 * {@code SENTIMENT_REQUIRE_TEST_SERVERS=1}.
 */
class HaproxyIT {

    @TempDir
    Path dir;

    private final List<Replica> replicas = new ArrayList<>();
    private Process haproxy;
    private int lbPort;
    private int statsPort;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        String binary = haproxy();
        replicas.add(new Replica("replica1"));
        replicas.add(new Replica("replica2"));
        lbPort = freePort();
        statsPort = freePort();
        Path config = dir.resolve("haproxy.cfg");
        Process render = new ProcessBuilder("bash", "deploy/haproxy/render.sh", String.valueOf(lbPort),
                String.valueOf(statsPort), replicas.get(0).address(), replicas.get(1).address())
                .redirectOutput(config.toFile()).redirectError(dir.resolve("render.err").toFile()).start();
        assertThat(render.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(render.exitValue()).as(Files.readString(dir.resolve("render.err"))).isZero();

        Process check = new ProcessBuilder(binary, "-c", "-f", config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("check.log").toFile()).start();
        assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as("haproxy -c: " + Files.readString(dir.resolve("check.log"))).isZero();

        haproxy = new ProcessBuilder(binary, "-db", "-f", config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        await().atMost(Duration.ofSeconds(20)).until(() -> up().size() == 2);
    }

    @AfterEach
    void stop() throws Exception {
        if (haproxy != null) {
            haproxy.destroy();
            if (!haproxy.waitFor(10, TimeUnit.SECONDS)) {
                haproxy.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        replicas.forEach(Replica::stop);
    }

    @Test
    void roundRobinOverTheReadyReplicasOnly() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertThat(classify().statusCode()).isEqualTo(200);
        }
        assertThat(replicas.get(0).calls.get()).isEqualTo(10);
        assertThat(replicas.get(1).calls.get()).isEqualTo(10);

        // readiness DOWN (no model loaded, or SIGTERM received): out of the rotation within fall 2 x inter 1s
        replicas.get(1).ready = false;
        await().atMost(Duration.ofSeconds(5)).until(() -> up().equals(List.of("replica1")));
        int before = replicas.get(1).calls.get();
        for (int i = 0; i < 20; i++) {
            assertThat(classify().body()).isEqualTo("replica1");
        }
        assertThat(replicas.get(1).calls.get()).isEqualTo(before);

        replicas.get(1).ready = true;
        await().atMost(Duration.ofSeconds(5)).until(() -> up().size() == 2);
    }

    @Test
    void aDeadReplicaCostsNoErrorBeforeTheChecksNoticeIt() throws Exception {
        replicas.get(1).stop();
        // the next requests are sent before the checks mark it down: each one that lands on the closed port is
        // sent again to the other replica
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> response = classify();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("replica1");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> up().equals(List.of("replica1")));
    }

    @Test
    void classificationIsSentAgainAfterAnEmptyResponseButATrainingUploadIsNot() throws Exception {
        Replica dropping = replicas.get(0);
        dropping.dropResponses = true;
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> response = classify();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("replica2");
        }
        assertThat(dropping.calls.get()).as("the dropping replica got its share, and each was sent again").isPositive();

        // a training upload may have started a job before the connection broke: never sent twice
        Map<String, Integer> before = Map.of("replica1", replicas.get(0).trainingCalls.get(),
                "replica2", replicas.get(1).trainingCalls.get());
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            try {
                statuses.add(send(HttpRequest.newBuilder(lb("/api/v1/training-jobs"))
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))).statusCode());
            } catch (IOException closed) {
                // on a kept-alive client connection haproxy passes the replica's silent close on, as a close
                statuses.add(-1);
            }
        }
        int toDropping = dropping.trainingCalls.get() - before.get("replica1");
        int toHealthy = replicas.get(1).trainingCalls.get() - before.get("replica2");
        assertThat(toDropping + toHealthy).as("one attempt per upload, " + statuses).isEqualTo(4);
        assertThat(statuses.stream().filter(s -> s == 502 || s == -1).count())
                .as("those on the dropping replica failed (502 or a closed connection): " + statuses).isEqualTo(toDropping);
        assertThat(statuses.stream().filter(s -> s == 200).count()).isEqualTo(toHealthy);
        assertThat(toDropping).isPositive();
    }

    @Test
    void noReadyReplicaIsAProblemDetail() throws Exception {
        replicas.forEach(r -> r.ready = false);
        await().atMost(Duration.ofSeconds(5)).until(() -> up().isEmpty());
        HttpResponse<String> response = classify();
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("\"type\":\"https://sentiment-service.example/problems/http-503\"");
    }

    // ---------------------------------------------------------------------------------------------------------

    private HttpResponse<String> classify() throws Exception {
        return send(HttpRequest.newBuilder(lb("/api/v1/classify")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"fine\"}")));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI lb(String path) {
        return URI.create("http://127.0.0.1:" + lbPort + path);
    }

    /** The servers haproxy counts as UP, from its statistics page in CSV. */
    private List<String> up() {
        try {
            String csv = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statsPort + "/stats;csv"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
            return csv.lines().map(line -> line.split(","))
                    .filter(f -> f.length > 17 && f[0].equals("serving") && f[1].startsWith("replica") && f[17].startsWith("UP"))
                    .map(f -> f[1]).sorted().toList();
        } catch (IOException e) {
            return List.of("not running");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of("interrupted");
        }
    }

    private static String haproxy() {
        String found = Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .filter(d -> !d.isEmpty()).map(d -> Path.of(d, "haproxy"))
                .filter(Files::isExecutable).findFirst().map(Path::toString)
                .orElse(Files.isExecutable(Path.of("/usr/sbin/haproxy")) ? "/usr/sbin/haproxy" : null);
        if (found == null) {
            if ("1".equals(System.getenv("SENTIMENT_REQUIRE_TEST_SERVERS"))) {
                fail("haproxy is needed (SENTIMENT_REQUIRE_TEST_SERVERS=1): apt-get install haproxy");
            }
            Assumptions.abort("haproxy is not installed");
        }
        return found;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A stand-in serving replica: readiness as the test sets it; every other path answers with its name. */
    private static final class Replica {

        final String name;
        final HttpServer server;
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger trainingCalls = new AtomicInteger();
        volatile boolean ready = true;
        volatile boolean dropResponses;

        Replica(String name) throws IOException {
            this.name = name;
            this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(Executors.newFixedThreadPool(4));
            server.createContext("/", this::handle);
            server.start();
        }

        String address() {
            return "127.0.0.1:" + server.getAddress().getPort();
        }

        private void handle(HttpExchange exchange) throws IOException {
            String path = exchange.getRequestURI().getPath();
            exchange.getRequestBody().readAllBytes();
            if (path.equals("/actuator/health/readiness")) {
                respond(exchange, ready ? 200 : 503, ready ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
                return;
            }
            (path.startsWith("/api/v1/training-jobs") ? trainingCalls : calls).incrementAndGet();
            if (dropResponses) {
                // the connection closes with no response at all, as when a replica dies mid-request
                exchange.close();
                return;
            }
            respond(exchange, 200, name);
        }

        private static void respond(HttpExchange exchange, int status, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        }

        void stop() {
            server.stop(0);
            ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        }
    }
}
