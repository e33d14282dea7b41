package com.example.sentiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Soak: the packaged service, with the bundled model, classifies at concurrency 64 for {@code soak.seconds}
 * (60 in CI; {@code scripts/soak.sh} runs it longer) while a training job runs. No error other than documented
 * 503 back-pressure is allowed, the latency percentiles are reported, and resident and ND4J native memory
 * (the heap is fixed, so this is ND4J's native memory) must not keep growing once warm. The figures go to stdout and {@code target/soak.json}.
 */
class SoakIT {

    static final int CONCURRENCY = 64;

    @TempDir
    Path models;

    private PackagedService service;

    @AfterEach
    void stop() throws InterruptedException {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void classifiesUnderLoadWhileTrainingWithoutErrorsOrGrowingMemory() throws Exception {
        int seconds = Integer.getInteger("soak.seconds", 60);
        String bundled = Files.readString(Path.of("models/active")).trim();
        copy(Path.of("models", bundled), models.resolve(bundled));
        Files.writeString(models.resolve("active"), bundled);
        long launched = System.nanoTime();
        service = PackagedService.start(models, models.getParent().resolve("soak-service.log"),
                "-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch");
        ServiceClient client = service.client();
        await().atMost(Duration.ofSeconds(120)).until(() -> client.get("/actuator/health/readiness").status() == 200);
        double readySeconds = (System.nanoTime() - launched) / 1e9;

        // a job that outlasts the soak: it is cancelled at the end
        String config = "{\"name\":\"soak\",\"epochs\":1000,\"batchSize\":16,\"embeddingSize\":32,\"lstmUnits\":32,"
                + "\"maxSequenceLength\":40,\"earlyStoppingPatience\":0,\"activate\":false}";
        ServiceClient.Answer created = client.send(TrainingUpload.request(client.base(), TestCorpus.csv(2000, 31), config));
        assertThat(created.status()).isEqualTo(202);
        String jobId = created.json().get("id").asString();

        List<String> texts = new ArrayList<>(TestCorpus.examples(200, 32).stream().map(TestCorpus.Example::text).toList());
        texts.addAll(List.of("It's a charming, often funny film.", "The plot doesn't hold together and the jokes fall flat.",
                "An ambitious, deeply moving portrait of a family.", "I wanted my two hours back."));
        Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        AtomicLong failures = new AtomicLong();
        List<long[]> latencies = new ArrayList<>();
        List<Map<String, Object>> memory = java.util.Collections.synchronizedList(new ArrayList<>());
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        ExecutorService clients = Executors.newFixedThreadPool(CONCURRENCY);
        HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
        for (int t = 0; t < CONCURRENCY; t++) {
            long[] own = new long[1 << 20];
            latencies.add(own);
            clients.submit(() -> {
                int n = 0;
                while (System.nanoTime() < end && n < own.length - 1) {
                    String text = texts.get(ThreadLocalRandom.current().nextInt(texts.size()));
                    HttpRequest request = HttpRequest.newBuilder(URI.create(client.base() + "/api/v1/classify"))
                            .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(ServiceClient.JSON.writeValueAsString(Map.of("text", text))))
                            .build();
                    long start = System.nanoTime();
                    try {
                        int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                        statuses.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
                        if (status == 200) {
                            own[++n] = System.nanoTime() - start;
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                }
                own[0] = n;
                return null;
            });
        }
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        long startedLoad = System.nanoTime();
        sampler.scheduleAtFixedRate(() -> {
            try {
                memory.add(memorySample(client, service.pid(), (System.nanoTime() - startedLoad) / 1e9));
            } catch (Exception e) {
                memory.add(Map.of("error", String.valueOf(e.getMessage())));
            }
        }, 0, Math.max(1, Math.min(5, seconds / 12)), TimeUnit.SECONDS);
        clients.shutdown();
        assertThat(clients.awaitTermination(seconds + 60L, TimeUnit.SECONDS)).isTrue();
        sampler.shutdown();
        assertThat(sampler.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        memory.add(memorySample(client, service.pid(), (System.nanoTime() - startedLoad) / 1e9));
        JsonNode job = client.get("/api/v1/training-jobs/" + jobId).json();
        String jobState = job.get("state").asString();
        client.post("/api/v1/training-jobs/" + jobId + "/cancel", "application/json", new byte[0]);

        long[] all = latencies.stream().flatMapToLong(a -> Arrays.stream(a, 1, (int) a[0] + 1)).sorted().toArray();
        long ok = statuses.getOrDefault(200, new AtomicLong()).get();
        long busy = statuses.getOrDefault(503, new AtomicLong()).get();
        long errors = failures.get() + statuses.entrySet().stream().filter(e -> e.getKey() != 200 && e.getKey() != 503)
                .mapToLong(e -> e.getValue().get()).sum();
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("case", "soak");
        report.put("seconds", seconds);
        report.put("concurrency", CONCURRENCY);
        report.put("readySeconds", Math.round(readySeconds * 10) / 10.0);
        report.put("requests", ok + busy + errors);
        report.put("ok", ok);
        report.put("busy503", busy);
        report.put("errors", errors);
        report.put("requestsPerSecond", Math.round(ok / (double) seconds));
        report.put("p50ms", percentile(all, 0.50));
        report.put("p99ms", percentile(all, 0.99));
        report.put("trainingJobDuringSoak", jobState + " at epoch " + job.get("progress").get("epoch").asInt());
        report.put("memory", memory);
        String line = ServiceClient.JSON.writeValueAsString(report);
        System.out.println(line);
        Files.writeString(Path.of("target", "soak.json"), line + "\n");

        assertThat(errors).as("errors other than 503 back-pressure").isZero();
        assertThat(ok).isPositive();
        assertThat(jobState).as("the training job ran throughout").isEqualTo("RUNNING");
        // once warm (after the first third), memory must not keep growing: allow noise, not a trend. The heap is
        // fixed and touched up front (-Xms = -Xmx, AlwaysPreTouch), so any growth of the resident size is native
        List<Map<String, Object>> warm = memory.subList(memory.size() / 3, memory.size());
        for (String kind : List.of("residentMb")) {
            double first = ((Number) warm.get(0).get(kind)).doubleValue();
            double last = ((Number) warm.get(warm.size() - 1).get(kind)).doubleValue();
            assertThat(last).as(kind + " from " + first).isLessThanOrEqualTo(first * 1.15 + 64);
        }
    }

    private static Map<String, Object> memorySample(ServiceClient client, long pid, double at) throws Exception {
        Map<String, Object> sample = new LinkedHashMap<>();
        sample.put("atSecond", Math.round(at));
        long rssKb = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(l -> l.startsWith("VmRSS:")).mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(-1);
        sample.put("residentMb", rssKb / 1024);
        sample.put("residentMbByMetric", megabytes(client, "sentiment.memory.resident"));
        return sample;
    }

    private static long megabytes(ServiceClient client, String metric) throws Exception {
        return Math.round(client.get("/actuator/metrics/" + metric).json().get("measurements").get(0).get("value").asDouble()
                / 1048576);
    }

    private static double percentile(long[] sortedNanos, double p) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        return Math.round(sortedNanos[(int) Math.min(sortedNanos.length - 1, Math.ceil(p * sortedNanos.length) - 1)] / 1e5) / 10.0;
    }

    private static void copy(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }
}
