package com.example.sentiment.benchmark;

import com.example.sentiment.dataset.DatasetReader;
import com.example.sentiment.ml.ComputeThreads;
import com.example.sentiment.ml.EncoderCatalogue;
import com.example.sentiment.ml.InferenceEngine;
import com.example.sentiment.ml.PretrainedEncoder;
import com.example.sentiment.ml.TextClassifier;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import tools.jackson.databind.json.JsonMapper;

/**
 * Benchmark commands of the jar; each prints one JSON object per case (see docs/benchmarks.md).
 * <ul>
 *   <li>{@code bench-model --model=DIR --data=CSV [--encoders-dir=DIR] [--engine=onnx|fused]}: the model
 *   in-process, texts/s at batch sizes 1, 32, 256 (a model trained with an encoder runs it too), on the
 *   serving engine ({@code onnx} by default, as {@code sentiment.inference.engine});</li>
 *   <li>{@code bench-encoders --data=CSV [--seconds=10] [--encoders=e5-small,minilm-l6] [--encoders-dir=DIR]
 *   [--max-pieces=128]}: each pretrained encoder in-process on one thread, texts/s at batch size 1 and at 32 (texts
 *   in data order, and sorted by length), tokenising included, with the CPU they ran on;</li>
 *   <li>{@code bench-http --url=URL --data=CSV [--seconds=20] [--concurrency=1,8,32,128] [--batch=32]}: a load
 *   generator for a running service: requests/s, p50/p95/p99 latency, errors, 503 back-pressure answers.</li>
 * </ul>
 */
public final class BenchmarkCommands {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private BenchmarkCommands() {
    }

    public static int run(String command, String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            String[] kv = arg.replaceFirst("^--", "").split("=", 2);
            options.put(kv[0], kv.length > 1 ? kv[1] : "true");
        }
        List<String> texts = DatasetReader.texts(Path.of(options.getOrDefault("data", "../shared/datasets/sst2/dev.csv")));
        return switch (command) {
            case "bench-model" -> benchModel(options, texts);
            case "bench-encoders" -> benchEncoders(options, texts);
            case "bench-http" -> benchHttp(options, texts);
            default -> 2;
        };
    }

    private static int benchModel(Map<String, String> options, List<String> texts) throws IOException {
        ComputeThreads.limit(Integer.parseInt(options.getOrDefault("threads", "1")));
        // off unless asked: the figures are then those of one core
        boolean lend = Boolean.parseBoolean(options.getOrDefault("parallel-directions", "false"));
        ComputeThreads.lendIdleCores(lend ? Runtime.getRuntime().availableProcessors() : 1);
        Path dir = Path.of(options.get("model"));
        Map<?, ?> metadata = JSON.readValue(dir.resolve("metadata.json").toFile(), Map.class);
        int maxLength = ((Number) ((Map<?, ?>) metadata.get("hyperParameters")).get("maxSequenceLength")).intValue();
        // a version trained with an encoder loads against the bundled encoders and those of --encoders-dir
        Path encoders = options.containsKey("encoders-dir") ? Path.of(options.get("encoders-dir")) : null;
        try (EncoderCatalogue catalogue = new EncoderCatalogue(encoders)) {
            InferenceEngine engine = InferenceEngine.valueOf(
                    options.getOrDefault("engine", "onnx").toUpperCase(java.util.Locale.ROOT));
            TextClassifier classifier = TextClassifier.load(dir, maxLength, catalogue).servedBy(engine);
            double seconds = Double.parseDouble(options.getOrDefault("seconds", "10"));
            for (int batch : new int[] {1, 32, 256}) {
                run(classifier::classify, texts, batch, 2.0);
                long start = System.nanoTime();
                long done = run(classifier::classify, texts, batch, seconds);
                double elapsed = (System.nanoTime() - start) / 1e9;
                System.out.println(JSON.writeValueAsString(Map.of("case", "bench-model", "batchSize", batch,
                        "texts", done, "seconds", round(elapsed), "textsPerSecond", round(done / elapsed),
                        "threads", 1, "parallelDirections", lend, "engine", classifier.engine().name().toLowerCase(
                                java.util.Locale.ROOT))));
            }
        }
        return 0;
    }

    /**
     * Each encoder on one thread (its ONNX Runtime session has one intra-op thread), the texts tokenised and
     * encoded in chunks of the batch size, as a training or serving caller would.
     */
    private static int benchEncoders(Map<String, String> options, List<String> texts) {
        double seconds = Double.parseDouble(options.getOrDefault("seconds", "10"));
        int maxPieces = Integer.parseInt(options.getOrDefault("max-pieces", "128"));
        Path directory = options.containsKey("encoders-dir") ? Path.of(options.get("encoders-dir")) : null;
        Cpu cpu = Cpu.read();
        try (EncoderCatalogue catalogue = new EncoderCatalogue(directory)) {
            List<String> names = options.containsKey("encoders")
                    ? List.of(options.get("encoders").split(",")) : catalogue.names();
            for (String name : names) {
                long opening = System.nanoTime();
                PretrainedEncoder encoder = catalogue.get(name);
                double openSeconds = (System.nanoTime() - opening) / 1e9;
                double meanPieces = texts.stream().mapToInt(t -> encoder.pieces(t, maxPieces).length).average().orElse(0);
                // a batch pads to its longest text: in data order (as requests arrive) SST-2 dev pads to about twice
                // its real pieces, sorted by length (as a caller that hands states() many texts at once) hardly at all
                List<String> byLength = texts.stream()
                        .sorted(Comparator.comparingInt(t -> encoder.pieces(t, maxPieces).length)).toList();
                Consumer<List<String>> encode = chunk -> encoder.states(chunk.stream().map(t -> encoder.pieces(t, maxPieces)).toList());
                for (EncoderCase c : List.of(new EncoderCase(1, false), new EncoderCase(32, false), new EncoderCase(32, true))) {
                    List<String> ordered = c.byLength() ? byLength : texts;
                    run(encode, ordered, c.batch(), 2.0);
                    long start = System.nanoTime();
                    long done = run(encode, ordered, c.batch(), seconds);
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("case", "bench-encoders");
                    out.put("encoder", name);
                    out.put("batchSize", c.batch());
                    out.put("order", c.byLength() ? "by length" : "data");
                    out.put("texts", done);
                    out.put("seconds", round(elapsed));
                    out.put("textsPerSecond", round(done / elapsed));
                    out.put("meanPieces", round(meanPieces));
                    out.put("openSeconds", round(openSeconds));
                    out.put("threads", 1);
                    out.put("cpu", cpu.model());
                    out.put("cpuVectorInstructions", cpu.vectorInstructions());
                    out.put("cores", Runtime.getRuntime().availableProcessors());
                    System.out.println(JSON.writeValueAsString(out));
                }
            }
        }
        return 0;
    }

    /** One case of {@code bench-encoders}: texts per call, and whether the texts are sorted by length. */
    private record EncoderCase(int batch, boolean byLength) {
    }

    /**
     * The processor, from /proc/cpuinfo (Linux; else the architecture), and which of the vector instruction sets
     * that ONNX Runtime's int8 kernels use it has (VNNI speeds up int8 products severalfold).
     */
    private record Cpu(String model, List<String> vectorInstructions) {

        private static final List<String> OF_INTEREST = List.of("avx2", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8");

        static Cpu read() {
            try {
                List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
                String model = field(lines, "model name").orElse(System.getProperty("os.arch"));
                List<String> flags = List.of(field(lines, "flags").orElse("").split(" "));
                return new Cpu(model, OF_INTEREST.stream().filter(flags::contains).toList());
            } catch (IOException e) {
                return new Cpu(System.getProperty("os.arch"), List.of());
            }
        }

        private static Optional<String> field(List<String> lines, String name) {
            return lines.stream().filter(l -> l.startsWith(name)).map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst();
        }
    }

    /** Runs {@code work} on chunks of {@code batch} texts, round the list, for {@code seconds}; the texts done. */
    private static long run(Consumer<List<String>> work, List<String> texts, int batch, double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long done = 0;
        int offset = 0;
        while (System.nanoTime() < end) {
            List<String> chunk = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
                chunk.add(texts.get((offset + i) % texts.size()));
            }
            offset += batch;
            work.accept(chunk);
            done += batch;
        }
        return done;
    }

    private static int benchHttp(Map<String, String> options, List<String> texts) throws Exception {
        String url = options.getOrDefault("url", "http://localhost:8080").replaceAll("/$", "");
        double seconds = Double.parseDouble(options.getOrDefault("seconds", "20"));
        int batch = Integer.parseInt(options.getOrDefault("batch", "0"));
        boolean explain = Boolean.parseBoolean(options.getOrDefault("explain", "false"));
        int[] levels = Arrays.stream(options.getOrDefault("concurrency", "1,8,32,128").split(","))
                .mapToInt(Integer::parseInt).toArray();
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            if (batch > 0) {
                List<String> chunk = new ArrayList<>();
                for (int j = 0; j < batch; j++) {
                    chunk.add(texts.get((i + j) % texts.size()));
                }
                bodies.add(JSON.writeValueAsBytes(Map.of("texts", chunk, "explain", explain)));
            } else {
                bodies.add(JSON.writeValueAsBytes(Map.of("text", texts.get(i), "explain", explain)));
            }
        }
        String path = batch > 0 ? "/api/v1/classify/batch" : "/api/v1/classify";
        for (int concurrency : levels) {
            load(url + path, bodies, concurrency, Math.min(5, seconds / 4), null);
            Result r = new Result();
            double elapsed = load(url + path, bodies, concurrency, seconds, r);
            long[] latencies = r.latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("case", (batch > 0 ? "bench-classify-batch" : "bench-classify") + (explain ? "-explain" : ""));
            out.put("concurrency", concurrency);
            out.put("requests", latencies.length);
            out.put("requestsPerSecond", round(latencies.length / elapsed));
            out.put("textsPerSecond", round(latencies.length * (double) Math.max(1, batch) / elapsed));
            out.put("p50ms", percentile(latencies, 0.50));
            out.put("p95ms", percentile(latencies, 0.95));
            out.put("p99ms", percentile(latencies, 0.99));
            out.put("errors", r.errors.get());
            out.put("backPressure503", r.busy.get());
            System.out.println(JSON.writeValueAsString(out));
        }
        return 0;
    }

    /** Latencies of successful requests, errors, and 503 back-pressure answers counted apart. */
    private static final class Result {
        final List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger errors = new AtomicInteger();
        final AtomicInteger busy = new AtomicInteger();
    }

    private static double load(String url, List<byte[]> bodies, int concurrency, double seconds, Result result)
            throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newFixedThreadPool(4)).build();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        AtomicLong next = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        for (int c = 0; c < concurrency; c++) {
            pool.submit(() -> {
                while (System.nanoTime() < end) {
                    byte[] body = bodies.get((int) (next.getAndIncrement() % bodies.size()));
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<Void> response = client.send(HttpRequest.newBuilder(URI.create(url))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                                HttpResponse.BodyHandlers.discarding());
                        if (result == null) {
                            continue;
                        }
                        if (response.statusCode() == 200) {
                            result.latencies.add(System.nanoTime() - t0);
                        } else if (response.statusCode() == 503) {
                            result.busy.incrementAndGet();
                        } else {
                            result.errors.incrementAndGet();
                        }
                    } catch (IOException e) {
                        if (result != null) {
                            result.errors.incrementAndGet();
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination((long) seconds + 60, java.util.concurrent.TimeUnit.SECONDS);
        return (System.nanoTime() - start) / 1e9;
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return round(sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
