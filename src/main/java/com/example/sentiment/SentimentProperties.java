package com.example.sentiment;

import com.example.sentiment.ml.InferenceEngine;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Every setting of the service, under the prefix {@code sentiment}.
 *
 * @param modelsDir the service's data directory for models: its versions (one folder each), the active-version
 *                  pointer {@code active} and, unless {@code dataDir} is set, job records ({@code .jobs/}) and
 *                  corrections ({@code .feedback/}). Defaults to {@code ${user.home}/.sentiment-service/models}:
 *                  an absolute path, so that the jar works from any working directory, outside the source tree
 *                  (the service never writes to the checkout's {@code models/}, whose versions are seeds), kept
 *                  across {@code mvn clean} and rebuilds (a folder beside the jar would be {@code target/}), and
 *                  writable by the user who starts it. Containers and the k8s manifests set it explicitly.
 *                  Before this default existed it was {@code ./models}; an installation that relied on that sets
 *                  {@code sentiment.models-dir=./models} (its versions are then found there, and nothing is seeded)
 * @param dataDir where training-job records (and, in {@code feedback/}, corrections) live; defaults to
 *                {@code <modelsDir>/.jobs} (and {@code <modelsDir>/.feedback})
 * @param vectorsDir where pre-computed word-vectors files are; jobs name a file in it, never a path. Defaults to
 *                   {@code ${user.home}/.sentiment-service/vectors} when that folder exists, else to the
 *                   repository's {@code ./.cache/vectors} (where the build fetches GloVe) when that exists, else to
 *                   the former: a jar started outside the checkout reads vectors from the data directory
 * @param seedModels on the first start of a filesystem model store ({@code sentiment.storage.type=filesystem})
 *                   whose models folder holds no version yet, copy the seed versions into it and activate the one
 *                   the seeds' {@code active} names (if the pointer is unset). Later starts never read the seeds,
 *                   and the seeds are only ever read. An S3 store is never seeded: its versions are the bucket's
 *                   (put one there with the {@code import-model} command). {@code SENTIMENT_SEED_MODELS} also
 *                   governs the container entrypoint's seeding
 * @param seedsDir a folder of seed versions (laid out as a models folder); by default the seeds packaged in the
 *                 jar from the repository's {@code models/} (classpath {@code seed-models/}), which are found
 *                 wherever the jar is started, from {@code spring-boot:run} as well
 * @param computeThreads threads per ND4J operation (OpenMP/BLAS); 1 is fastest for this model's small operations
 * @param roles what this process does: {@code serve} (the HTTP API and classification) and {@code train} (claims
 *              and runs training jobs); both by default. A process without {@code train} never claims a job
 * @param queue where training jobs wait and who runs them
 * @param postgres the database of every feature that keeps its data in PostgreSQL
 * @param feedback how much the feedback store keeps
 * @param encoders where further pretrained encoders are, beside the bundled ones
 * @param inference what runs the served models' forward passes
 * @param retry how calls to a store that is out of reach are tried again
 * @param drift how live traffic is compared with each version's validation data
 * @param rollout shadow versions and canaries ({@code /api/v1/models/shadow}, {@code /api/v1/models/canary})
 * @param classificationJobs how whole files are classified as jobs ({@code /api/v1/classification-jobs})
 */
@ConfigurationProperties("sentiment")
@Validated
public record SentimentProperties(
        Path modelsDir,
        Path dataDir,
        Path vectorsDir,
        @DefaultValue("true") boolean seedModels,
        Path seedsDir,
        @Positive @DefaultValue("1") int computeThreads,
        @Valid @DefaultValue Classify classify,
        @Valid @DefaultValue Training training,
        @Valid @DefaultValue Health health,
        @Valid @DefaultValue Security security,
        @Valid @DefaultValue Storage storage,
        @NotEmpty @DefaultValue({"serve", "train"}) Set<Role> roles,
        @Valid @DefaultValue Queue queue,
        @Valid @DefaultValue Postgres postgres,
        @Valid @DefaultValue FeedbackLimits feedback,
        @Valid @DefaultValue Encoders encoders,
        @Valid @DefaultValue Inference inference,
        @Valid @DefaultValue Retry retry,
        @Valid @DefaultValue Drift drift,
        @Valid @DefaultValue Rollout rollout,
        @Valid @DefaultValue ClassificationJobs classificationJobs) {

    /** The default data directory: under the user's home, whatever the working directory. */
    static final Path DEFAULT_HOME = Path.of(System.getProperty("user.home"), ".sentiment-service").toAbsolutePath();

    public SentimentProperties {
        if (modelsDir == null) {
            modelsDir = DEFAULT_HOME.resolve("models");
        }
        if (vectorsDir == null) {
            vectorsDir = defaultVectorsDir(DEFAULT_HOME.resolve("vectors"), Path.of(".cache", "vectors"));
        }
    }

    /** The data directory's vectors when it has them, else the checkout's build-time cache when there is one. */
    static Path defaultVectorsDir(Path dataVectors, Path repositoryCache) {
        if (!java.nio.file.Files.isDirectory(dataVectors) && java.nio.file.Files.isDirectory(repositoryCache)) {
            return repositoryCache.toAbsolutePath().normalize();
        }
        return dataVectors;
    }

    /** What a process of the service does; see {@code roles}. */
    public enum Role { SERVE, TRAIN }

    public boolean hasRole(Role role) {
        return roles.contains(role);
    }

    /** Where training jobs wait: in this process, or in PostgreSQL shared by every replica and worker. */
    public enum QueueType { LOCAL, POSTGRES }

    /**
     * Where the active-version pointer ({@code sentiment.storage.pointer}) or the corrections
     * ({@code sentiment.feedback.store}) are kept: on this process's disk, or in PostgreSQL. Unset, each follows
     * {@code sentiment.queue.type} ({@code postgres} there means {@code postgres} here).
     */
    public enum StoreType { FILESYSTEM, POSTGRES }

    /**
     * @param type {@code local} (jobs in this process, their records in {@link #jobsDir()}; a restart fails the
     *             jobs it interrupted) or {@code postgres} (jobs and their uploads in the database of
     *             {@code sentiment.postgres}, claimed by every process with the {@code train} role). The mode
     *             switch: the pointer ({@code sentiment.storage.pointer}) and the corrections
     *             ({@code sentiment.feedback.store}) follow it unless they are set
     * @param lease how long a claimed job stays its worker's without a heartbeat; the heartbeat runs every third
     *              of it. A worker that stops renewing loses the job to another one
     * @param maxAttempts claims of a job after which a lost lease fails it instead of handing it on
     * @param workerName how this process names itself in a job's {@code worker}: by default
     *                   {@code http://<hostname>:<server.port>}, its health and metrics address
     * @param pollInterval how often an idle worker looks for a job in a shared queue
     */
    public record Queue(
            @NotNull @DefaultValue("local") QueueType type,
            @NotNull @DefaultValue("30s") Duration lease,
            @Min(1) @DefaultValue("3") int maxAttempts,
            String workerName,
            @NotNull @DefaultValue("2s") Duration pollInterval) {
    }

    /**
     * @param url JDBC URL, e.g. {@code jdbc:postgresql://127.0.0.1:5432/sentiment}; required when the queue,
     *            the pointer or the corrections are kept in PostgreSQL, unused otherwise
     * @param connectTimeout how long a request waits for a connection before it is answered 503
     */
    public record Postgres(
            String url,
            String username,
            String password,
            @Positive @DefaultValue("10") int maxPoolSize,
            @NotNull @DefaultValue("3s") Duration connectTimeout) {
    }

    public Path jobsDir() {
        return dataDir != null ? dataDir : modelsDir.resolve(".jobs");
    }

    /** Where classification corrections live: beside the job records, {@code <dataDir>/feedback} or {@code <modelsDir>/.feedback}. */
    public Path feedbackDir() {
        return dataDir != null ? dataDir.resolve("feedback") : modelsDir.resolve(".feedback");
    }

    /**
     * @param maxTextLength characters per text
     * @param maxBatchSize texts per batch call
     * @param loadedModelCache versions other than the active one kept in memory for {@code modelId} requests
     * @param maxRequestSize largest JSON (non-multipart) request body: refused with 413 up front when its
     *                       {@code Content-Length} is larger, and otherwise counted as it is read (chunked bodies)
     * @param inferenceThreads threads (each with its own network replica) that run forward passes; 0 = one per core
     * @param batching how single-text requests are coalesced
     * @param parallelDirections on the fused path ({@code sentiment.inference.engine=fused}): a bidirectional
     *                           model's pass of at least 128 texts runs its backward direction on an idle core
     *                           when fewer passes run than there are cores (faster batch calls when the service
     *                           is otherwise idle; under load nothing is lent)
     * @param requestTimeout how long a call waits for its texts to be classified (in the queue and on a worker,
     *                       every chunk of an explanation included) before it is answered 503; 30 s by default,
     *                       room for an explained batch of {@code max-explain-texts} long texts on a busy node
     * @param maxExplainTexts texts per call with {@code explain=true} (each costs one forward pass per token it
     *                        reads); more is refused with 400
     * @param maxWaitingLoads requests that may wait for versions asked for by {@code modelId} to load (all
     *                        versions together; requests for one version share its load); beyond that 503 with
     *                        Retry-After, so that loads can never hold every request thread
     */
    public record Classify(
            @Positive @DefaultValue("10000") int maxTextLength,
            @Positive @DefaultValue("256") int maxBatchSize,
            @Min(0) @DefaultValue("2") int loadedModelCache,
            @NotNull @DefaultValue("4MB") DataSize maxRequestSize,
            @Min(0) @DefaultValue("0") int inferenceThreads,
            @Valid @DefaultValue Batching batching,
            @DefaultValue("true") boolean parallelDirections,
            @NotNull @DefaultValue("30s") Duration requestTimeout,
            @Positive @DefaultValue("16") int maxExplainTexts,
            @Positive @DefaultValue("8") int maxWaitingLoads) {

        public int inferenceThreadCount() {
            return inferenceThreads > 0 ? inferenceThreads : Runtime.getRuntime().availableProcessors();
        }
    }

    /**
     * @param maxBatchSize single-text requests merged into one call
     * @param maxWaitMicros how long a worker waits for more requests before it runs a partial batch
     * @param queueCapacity texts that may wait, counted as the sequences they cost: one per text of a
     *                      single-text or batch call, one per variant of an explanation (a text's own and one per
     *                      token it reads); beyond that 503 with Retry-After. A call larger than the capacity is
     *                      still taken when nothing waits
     */
    public record Batching(
            @Positive @DefaultValue("64") int maxBatchSize,
            @Min(0) @DefaultValue("200") int maxWaitMicros,
            @Positive @DefaultValue("2048") int queueCapacity) {
    }

    /**
     * @param concurrentJobs jobs that train at the same time
     * @param queueCapacity jobs that may wait; beyond that a submission is refused with 503
     * @param maxRows rows per uploaded file
     * @param minExamplesPerLabel fewer examples of a label refuse the upload
     * @param workers network replicas a job trains in parallel, each on one core (0 = one per available core);
     *     1 by default: on SST-2 one replica trained faster and better per epoch than two (docs/benchmarks.md)
     * @param defaults hyper-parameters of a job that does not set them
     * @param promotionMargin how much higher a new version's macro-F1 must be for {@code "activate": "if-better"}
     * @param crossValidation when the configuration search compares its candidates by cross-validation
     * @param autoEncoders the pretrained encoders each of which gives the configuration search one last candidate
     *     ({@code encoder-bilstm-<encoder>}, in this order) reading its states, when it is available and a job
     *     names neither an encoder nor a teacher; {@code none} or nothing leaves them out. {@code e5-small} alone
     *     by default (the encoder of the bundled models/sst2-encoder): under the same LSTM it scored above
     *     {@code minilm-l6} on SST-2, SST-5 and TREC (docs/experiments.md, runs 98-100), and one encoder
     *     candidate gets a larger part of the time budget than two
     * @param secondHeadAlongside whether an encoder candidate's second head trains at the same time as the
     *     candidate, on a core of its own, when the process has a core to spare for each of
     *     {@code concurrentJobs} (a job trains on {@code workers} cores, one by default): the version of a kept
     *     encoder candidate then has two heads at no cost in time (docs/training.md)
     */
    public record Training(
            @Positive @DefaultValue("1") int concurrentJobs,
            @Min(0) @Max(64) @DefaultValue("1") int workers,
            @Min(1) @DefaultValue("4") int queueCapacity,
            @Positive @DefaultValue("1000000") int maxRows,
            @Min(1) @DefaultValue("2") int minExamplesPerLabel,
            @Valid @DefaultValue Defaults defaults,
            @DecimalMin("0") @DecimalMax("1") @DefaultValue("0.005") double promotionMargin,
            @Valid @DefaultValue CrossValidation crossValidation,
            @NotNull @DefaultValue("e5-small")
            List<@NotNull @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}") String> autoEncoders,
            @DefaultValue("true") boolean secondHeadAlongside) {

        /** The setting of {@link #autoEncoders} that leaves the encoder candidates out. */
        public static final String NO_AUTO_ENCODER = "none";

        /** The encoders of {@link #autoEncoders}, each once, without {@code none}; not checked for availability. */
        public List<String> autoEncoderNames() {
            return autoEncoders.stream().filter(name -> !NO_AUTO_ENCODER.equalsIgnoreCase(name)).distinct().toList();
        }

        /** Whether a job's encoder candidate trains its second head alongside it: when on, and a core is spare per job. */
        public boolean trainsSecondHeadAlongside() {
            int cores = Runtime.getRuntime().availableProcessors();
            return secondHeadAlongside && cores >= (workerCount() + 1) * concurrentJobs;
        }

        /**
         * The threads a job's teacher labels its texts on (a teacher's labelling is inference, with none of
         * training's reasons to stay on one core): this process's cores shared among {@code concurrentJobs}, and
         * at least {@link #workerCount()}.
         */
        public int labellingThreads() {
            return Math.max(workerCount(), Runtime.getRuntime().availableProcessors() / concurrentJobs);
        }

        /** The replicas a job trains, resolved against the cores this process may use. */
        public int workerCount() {
            return workers > 0 ? workers : Runtime.getRuntime().availableProcessors();
        }
    }

    /**
     * A configuration search ({@code "preset": "auto"}) on a small file compares its candidates by stratified
     * k-fold cross-validation: each candidate is also trained k times, each time on all folds but one, and their
     * predictions of every training row, each by a model that did not train on it, are compared, instead of their
     * scores on the validation split (10% of a small file is too few rows to tell candidates apart: docs/experiments.md). The
     * version is still the kept candidate's training on all training rows. The folds cost about {@code folds}
     * times the candidates' own trainings; when the job's time budget cannot fit them, the search compares on the
     * validation split and the job says so.
     *
     * @param maxRows training rows (the upload less its validation split) up to which a search cross-validates;
     *                0 never does. 5,000: on 3,600 SST-2 training rows the candidates trained in 72 s and their
     *                folds took 381 s more, 453 s of the 600 s default budget on a shared 2-core
     *                machine (docs/experiments.md); the folds grow with the rows, so from about 5,000 rows they
     *                rarely fit the default budget, and the validation split there holds 500 rows or more
     * @param folds k: 5, so that each fold model trains on 80% of the rows (close to the version's 100%) for
     *              about five times the candidates' own training time; every training row is compared whatever
     *              k is
     */
    public record CrossValidation(
            @Min(0) @DefaultValue("5000") int maxRows,
            @Min(2) @Max(20) @DefaultValue("5") int folds) {
    }

    /**
     * Caps on the stored corrections, whatever the backend: past either one a new correction is refused with
     * 413 ({@code feedback-store-full}) until an operator exports and removes corrections or raises the cap.
     * One correction's text is capped by {@code sentiment.classify.max-text-length}.
     *
     * @param maxEntries corrections kept at most
     * @param maxTotalSize their total size, counted as the UTF-8 bytes of text, label, model id and predicted label
     * @param store {@code filesystem} (files in {@link #feedbackDir()}) or {@code postgres} (shared by every
     *              replica); unset, it follows {@code sentiment.queue.type}
     */
    public record FeedbackLimits(
            @Positive @DefaultValue("100000") int maxEntries,
            @NotNull @DefaultValue("256MB") DataSize maxTotalSize,
            StoreType store) {

        /** Caps only; the store follows the mode switch. */
        public FeedbackLimits(int maxEntries, DataSize maxTotalSize) {
            this(maxEntries, maxTotalSize, null);
        }

        @org.springframework.boot.context.properties.bind.ConstructorBinding
        public FeedbackLimits {
        }
    }

    /**
     * @param engine {@code onnx} (default): every model's forward pass runs on ONNX Runtime's CPU {@code LSTM}
     *               operator, on a graph written from the network's weights when a version loads (versions saved
     *               before work unchanged); {@code fused}: on libnd4j's fused {@code lstmLayer} op, as before.
     *               Training runs on DL4J either way; explanations and abstention use the same pass
     */
    public record Inference(@NotNull @DefaultValue("onnx") InferenceEngine engine) {
    }

    /**
     * The frozen pretrained encoders (small transformers run by ONNX Runtime) that a model can read text through.
     * {@code e5-small} and {@code minilm-l6} are bundled; none is opened until a job or a model asks for it.
     *
     * @param directory a folder of further encoders, one sub-folder {@code <name>/} each with {@code model.onnx}
     *                  and its {@code tokenizer.json} (a BERT WordPiece tokenizer), which becomes encoder
     *                  {@code <name>}; it must exist when set. Empty (the default) for the bundled ones only
     */
    public record Encoders(Path directory) {

        public Encoders {
            // an empty setting (SENTIMENT_ENCODERS_DIRECTORY=) means none, not the working directory
            if (directory != null && directory.toString().isEmpty()) {
                directory = null;
            }
        }
    }

    /**
     * Back-off of the calls that are tried again while a store is out of reach (a database or object store
     * restarting): each waits {@code delay}, then {@code multiplier} times longer each time, at most
     * {@code max-delay}. What is tried again, and for how long, is fixed by what the call does (named below);
     * only the pace is a setting. Run by Spring's {@code RetryTemplate}, except {@code model-load}.
     *
     * @param jobClaim a training worker's claims while the queue cannot be reached: for as long as the worker
     *                 runs (1s, doubling, at most 30s)
     * @param modelStore storing a trained version while the model store cannot be reached: for up to one
     *                   {@code sentiment.queue.lease}, while the job's lease holds (1s, doubling, at most 8s)
     * @param queueWrite a worker's writes that end its job in the PostgreSQL queue while the database cannot be
     *                   reached: for up to one {@code sentiment.queue.lease} (250ms, doubling, at most 4s)
     * @param pointerListen connecting again the PostgreSQL pointer's listening connection: for as long as the
     *                      process runs (500ms, doubling, at most 5s)
     * @param modelLoad loading the version the pointer names after it failed to load: for as long as the
     *                  pointer names it (1s, doubling, at most 1m); the pointer is still read every
     *                  {@code sentiment.storage.pointer-poll} meanwhile, so that a new activation is followed at once
     */
    public record Retry(
            @Valid RetryBackOff jobClaim,
            @Valid RetryBackOff modelStore,
            @Valid RetryBackOff queueWrite,
            @Valid RetryBackOff pointerListen,
            @Valid RetryBackOff modelLoad) {

        public Retry {
            jobClaim = RetryBackOff.orElse(jobClaim, Duration.ofSeconds(1), Duration.ofSeconds(30));
            modelStore = RetryBackOff.orElse(modelStore, Duration.ofSeconds(1), Duration.ofSeconds(8));
            queueWrite = RetryBackOff.orElse(queueWrite, Duration.ofMillis(250), Duration.ofSeconds(4));
            pointerListen = RetryBackOff.orElse(pointerListen, Duration.ofMillis(500), Duration.ofSeconds(5));
            modelLoad = RetryBackOff.orElse(modelLoad, Duration.ofSeconds(1), Duration.ofMinutes(1));
        }

        /** Every back-off at its default. */
        public static Retry defaults() {
            return new Retry(null, null, null, null, null);
        }
    }

    /**
     * One back-off of {@link Retry}; a part left unset takes that call's default (the multiplier 2).
     *
     * @param delay the wait before the first try again
     * @param maxDelay the longest wait
     * @param multiplier how much longer each wait is than the one before
     */
    public record RetryBackOff(Duration delay, Duration maxDelay, Double multiplier) {

        public RetryBackOff {
            if (delay != null && (delay.isNegative() || delay.isZero())) {
                throw new IllegalArgumentException("delay must be positive, not " + delay);
            }
            if (delay != null && maxDelay != null && maxDelay.compareTo(delay) < 0) {
                throw new IllegalArgumentException("max-delay " + maxDelay + " is shorter than delay " + delay);
            }
            if (multiplier != null && !(multiplier >= 1)) {
                throw new IllegalArgumentException("multiplier must be at least 1, not " + multiplier);
            }
        }

        static RetryBackOff orElse(RetryBackOff set, Duration delay, Duration maxDelay) {
            if (set == null) {
                return new RetryBackOff(delay, maxDelay, 2.0);
            }
            Duration first = set.delay() != null ? set.delay() : delay;
            Duration longest = set.maxDelay() != null ? set.maxDelay() : maxDelay;
            return new RetryBackOff(first, longest.compareTo(first) < 0 ? first : longest,
                    set.multiplier() != null ? set.multiplier() : 2.0);
        }

        /**
         * A policy with this back-off and no limit on attempts, for {@code RetryTemplate}: the caller adds what
         * is tried again ({@code includes}, {@code predicate}) and for how long ({@code timeout}).
         */
        public org.springframework.core.retry.RetryPolicy.Builder policy() {
            return org.springframework.core.retry.RetryPolicy.builder().delay(delay).maxDelay(maxDelay)
                    .multiplier(multiplier).maxRetries(Long.MAX_VALUE);
        }

        /** The waits alone, for a caller that keeps doing other work between tries (no attempt limit). */
        public org.springframework.util.backoff.BackOff backOff() {
            org.springframework.util.backoff.ExponentialBackOff waits =
                    new org.springframework.util.backoff.ExponentialBackOff(delay.toMillis(), multiplier);
            waits.setMaxInterval(maxDelay.toMillis());
            return waits;
        }
    }

    /** @param minFreeDisk the model store's health is DOWN with less free space on the models volume */
    public record Health(@NotNull @DefaultValue("100MB") DataSize minFreeDisk) {
    }

    /**
     * @param apiKey required as {@code X-API-Key} when set on every state-changing call, on reading training jobs,
     *               corrections ({@code GET /api/v1/feedback...}) and the health endpoint's details
     * @param classifyApiKey required as {@code X-API-Key} on classify calls and on posting corrections when set
     *                       (the admin key is accepted too)
     * @param allowedOrigins web origins (such as {@code https://console.example}) whose pages may send
     *                       state-changing requests although the browser marks them cross-site or same-site;
     *                       none by default, so that only the service's own console (same-origin) and clients that
     *                       are not browsers may
     */
    public record Security(String apiKey, String classifyApiKey, @DefaultValue List<String> allowedOrigins) {
    }

    /**
     * Where model versions are stored (see {@code model/ModelRepository}).
     *
     * @param type {@code filesystem} (versions in {@code modelsDir}) or {@code s3}
     * @param cacheDir where versions downloaded from S3 are kept; defaults to {@code <modelsDir>/.s3-cache}
     * @param cacheVersions how many downloaded versions the cache keeps (the most recently loaded); a version
     *                      in memory needs no files, so older ones are deleted and downloaded again if asked for
     * @param pointerPoll how often a replica re-reads the active-version pointer, in case a change
     *                    notification was missed (jittered)
     * @param pointer where the active-version pointer is: {@code filesystem} (the {@code active} file in
     *                {@code modelsDir}) or {@code postgres} (one row, announced by {@code NOTIFY}); unset, it
     *                follows {@code sentiment.queue.type}
     * @param staleTemporaryAge a temporary ({@code .tmp-*}) or half-deleted ({@code .deleted-*}) entry in the
     *                          models folder or the S3 cache untouched for this long is a crash's left-over and
     *                          is removed at start; a younger one may be another process's save in progress
     *                          on a shared volume, so it is left alone (default 1h)
     */
    public record Storage(
            @NotNull @Pattern(regexp = "filesystem|s3") @DefaultValue("filesystem") String type,
            Path cacheDir,
            @Min(1) @DefaultValue("3") int cacheVersions,
            @NotNull @DefaultValue("5s") java.time.Duration pointerPoll,
            @NotNull @DefaultValue("1h") java.time.Duration staleTemporaryAge,
            @Valid @DefaultValue S3 s3,
            StoreType pointer) {

        /**
         * An S3-compatible object store, addressed by path ({@code endpoint/bucket/key}).
         *
         * @param endpoint such as {@code http://127.0.0.1:9000}; empty for AWS itself
         * @param prefix key prefix of every object, such as {@code models/}; empty for the bucket's root
         */
        public record S3(String endpoint, @NotNull @DefaultValue("us-east-1") String region, String bucket,
                         @NotNull @DefaultValue("") String prefix, String accessKey, String secretKey) {
        }
    }

    /**
     * Default hyper-parameters, chosen on SST-2 dev (see docs/experiments.md). Unless set, the minimum word
     * frequency is 1 with pre-computed vectors (every word keeps its vector) and 2 without (so that the
     * unknown-word vector is trained on words seen once). {@code augmentation} and {@code teacherWeight} apply
     * to a job that names a {@code teacher} (see {@link com.example.sentiment.ml.Distillation}).
     *
     * @param encoder {@code word-vectors}, or the name of a pretrained encoder whose states the LSTM reads
     * @param longText how a new version reads texts longer than {@code maxSequenceLength}: {@code chunk} (in
     *                 overlapping windows, see {@link com.example.sentiment.ml.LongText}) or {@code truncate}
     * @param longTextStride with {@code chunk}: tokens from one window's start to the next's; 0 = half a window
     * @param distillationLoss with a {@code teacher}: {@code soft-labels} or {@code logits} (see
     *                         {@link com.example.sentiment.ml.HyperParameters.DistillationLoss})
     * @param lstmLayers stacked LSTM layers (the fused engine only)
     */
    public record Defaults(
            @Min(1) @Max(1000) @DefaultValue("15") int epochs,
            @Min(1) @Max(4096) @DefaultValue("64") int batchSize,
            @DecimalMin("1e-6") @DecimalMax("1") @DefaultValue("0.002") double learningRate,
            @Min(2) @Max(1024) @DefaultValue("100") int embeddingSize,
            @Min(1) @Max(2048) @DefaultValue("128") int lstmUnits,
            @DefaultValue("false") boolean bidirectional,
            @DecimalMin("0") @DecimalMax("0.95") @DefaultValue("0.5") double dropout,
            @DecimalMin("0") @DecimalMax("0.95") @DefaultValue("0.25") double embeddingDropout,
            @Min(1) @Max(2048) @DefaultValue("100") int maxSequenceLength,
            @Min(1) Integer minWordFrequency,
            @Min(3) @DefaultValue("50000") int maxVocabularySize,
            @DecimalMin("0") @DecimalMax("0.5") @DefaultValue("0.1") double validationSplit,
            @DefaultValue("42") long seed,
            @Min(0) @DefaultValue("3") int earlyStoppingPatience,
            @NotNull @Pattern(regexp = "(?i)last|max|mean|last\\+max") @DefaultValue("last") String pooling,
            @DefaultValue("glove-100d.vec") String wordVectors,
            @DefaultValue("false") boolean freezeEmbeddings,
            @NotNull @Pattern(regexp = "(?i)fused|dl4j") @DefaultValue("fused") String engine,
            @NotNull @Pattern(regexp = "(?i)accuracy|macroF1|loss") @DefaultValue("macroF1") String selectionMetric,
            @DecimalMin("0") @DecimalMax("0.95") @DefaultValue("0") double spatialDropout,
            @DecimalMin("0") @DecimalMax("0.1") @DefaultValue("0") double weightDecay,
            @Min(0) @Max(10) @DefaultValue("0") int fineTuneEpochs,
            @Min(1) @Max(5) @DefaultValue("1") int ensembleSize,
            @NotNull @Pattern(regexp = "(?i)none|balanced") @DefaultValue("none") String classWeights,
            @NotNull @Pattern(regexp = "(?i)auto|none") @DefaultValue("auto") String preset,
            @Min(10) @Max(86400) @DefaultValue("600") int timeBudgetSeconds,
            @NotNull @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}") @DefaultValue("word-vectors") String encoder,
            @Min(0) @Max(20) @DefaultValue("4") int augmentation,
            @DecimalMin("0") @DecimalMax("1") @DefaultValue("0.5") double teacherWeight,
            @NotNull @Pattern(regexp = "(?i)chunk|truncate") @DefaultValue("chunk") String longText,
            @Min(0) @Max(2048) @DefaultValue("0") int longTextStride,
            @NotNull @Pattern(regexp = "(?i)soft-labels|logits") @DefaultValue("soft-labels") String distillationLoss,
            @Min(1) @Max(4) @DefaultValue("1") int lstmLayers) {
    }

    /**
     * Drift watching: every replica counts its own live traffic per version over a sliding window and compares
     * it with the version's reference profile (its validation data) by the population stability index.
     *
     * @param enabled count live traffic at all (off: every signal reports no data)
     * @param window how far back the live counts reach (the window slides by {@code window / buckets})
     * @param buckets the window's time buckets: counts older than the window are dropped a bucket at a time
     * @param minSample live predictions a signal needs before it is judged; fewer report {@code insufficient-data}
     *                  (the PSI of two samples of one distribution grows as they shrink)
     * @param warnPsi a PSI at or above this is {@code warn}
     * @param alertPsi a PSI at or above this is {@code alert}
     */
    public record Drift(
            @DefaultValue("true") boolean enabled,
            @NotNull @DefaultValue("1h") Duration window,
            @Min(1) @Max(1440) @DefaultValue("12") int buckets,
            @Min(1) @DefaultValue("500") int minSample,
            @DecimalMin("0") @DefaultValue("0.1") double warnPsi,
            @DecimalMin("0") @DefaultValue("0.25") double alertPsi) {
    }

    /**
     * Shadow versions and canaries.
     *
     * @param keepShadowTexts whether the shadow report's examples of disagreement show the texts (off: only the
     *                        labels, since texts may be personal data)
     * @param shadowQueue texts waiting for the shadow version; requests sampled while it is full are dropped
     *                    (and counted), never waited for
     * @param shadowExamples disagreements the report keeps (the most recent)
     * @param latencySamples latencies kept per version for the report's percentiles (a reservoir)
     * @param pollInterval how often a replica re-reads the stored rollout state (the split and the decision)
     * @param guardInterval how often the canary's guards (and a shadow gate) are checked against the active version
     * @param promotionGate what a training job with {@code "activate": "if-better"} needs before its version is
     *                      activated: {@code held-out} (the default) activates it as soon as it beats the active
     *                      version on the job's held-out data; {@code shadow-agreement} makes such a version the
     *                      shadow instead, activated once it agrees with the active version on live traffic
     *                      ({@code shadow-gate}); {@code feedback-win} makes it the shadow too, activated once
     *                      the corrections received show it right more often than the active version
     * @param shadowGate the agreement a version must show as the shadow under {@code shadow-agreement}
     */
    public record Rollout(
            @DefaultValue("false") boolean keepShadowTexts,
            @Min(1) @DefaultValue("1000") int shadowQueue,
            @Min(0) @DefaultValue("20") int shadowExamples,
            @Min(10) @DefaultValue("2048") int latencySamples,
            @NotNull @DefaultValue("1s") Duration pollInterval,
            @NotNull @DefaultValue("1s") Duration guardInterval,
            @NotNull @DefaultValue("held-out") PromotionGate promotionGate,
            @Valid @NotNull @DefaultValue ShadowGate shadowGate) {

        @org.springframework.boot.context.properties.bind.ConstructorBinding
        public Rollout {
        }

        /** The settings before the shadow gate: {@code held-out} promotion. */
        public Rollout(boolean keepShadowTexts, int shadowQueue, int shadowExamples, int latencySamples,
                       Duration pollInterval, Duration guardInterval) {
            this(keepShadowTexts, shadowQueue, shadowExamples, latencySamples, pollInterval, guardInterval,
                    PromotionGate.HELD_OUT, ShadowGate.DEFAULT);
        }
    }

    /** What {@code "activate": "if-better"} needs: the held-out comparison alone, or that and the shadow's agreement. */
    public enum PromotionGate { HELD_OUT, SHADOW_AGREEMENT, FEEDBACK_WIN }

    /**
     * The shadow gate of {@code sentiment.rollout.promotion-gate=shadow-agreement}: a version that beat the active
     * one on held-out data classifies a sample of the live traffic as the shadow, and is activated once at least
     * {@code minCompared} texts were compared and the 95% Wilson interval of its agreement with the active version
     * lies at or above {@code minAgreement} at its lower end; it is dismissed (stays stored, not active) once the
     * interval's upper end is below {@code minAgreement}. Each serving replica judges the texts it compared itself
     * and stores the first decision (a compare-and-set): every replica obeys it.
     *
     * @param minCompared texts compared before either decision is taken
     * @param minAgreement the least agreement with the active version (0..1)
     * @param sampleRate the share of requests the gated shadow classifies again (0..1)
     * @param minCorrections with {@code feedback-win}: corrections of texts on which the two versions disagreed
     *                       (one of them right) before either decision is taken
     * @param feedbackTexts with {@code feedback-win}: compared texts (their hashes and both answers) a replica keeps
     *                      to match corrections against, the most recent
     */
    public record ShadowGate(
            @Min(1) @DefaultValue("500") long minCompared,
            @DecimalMin("0") @DecimalMax("1") @DefaultValue("0.9") double minAgreement,
            @DecimalMin(value = "0", inclusive = false) @DecimalMax("1") @DefaultValue("0.2") double sampleRate,
            @Min(1) @DefaultValue("30") long minCorrections,
            @Min(0) @Max(1_000_000) @DefaultValue("10000") int feedbackTexts) {

        /** The defaults. */
        public static final ShadowGate DEFAULT = new ShadowGate(500, 0.9, 0.2, 30, 10000);
    }

    /**
     * Classification jobs: a whole file classified in the background, its results written to disk as it goes.
     *
     * @param directory where the jobs' records, uploaded files, results and checkpoints are; defaults to
     *                  {@code <dataDir or modelsDir/.jobs>/classification}
     * @param retention how long a finished job (its record, input and results) is kept before the sweep deletes it
     * @param sweepInterval how often expired jobs are looked for
     * @param commitRows rows classified between two durable commits (results flushed to disk, then the
     *                   checkpoint written): a restart redoes at most this many rows
     * @param maxRows rows per uploaded file; more is refused with 422
     * @param maxQueued jobs that may wait or run at once (on every replica that shares the store); beyond that
     *                  a submission is refused with 503
     * @param store {@code filesystem} (records, uploads and results in {@code directory}, run by this process) or
     *              {@code postgres} (the scale-out mode: records in the database of {@code sentiment.postgres},
     *              claimed under a lease ({@code sentiment.queue.lease}) by any replica; uploads and results in
     *              the bucket of {@code sentiment.storage.s3}, under {@code s3Prefix}); unset, it is
     *              {@code postgres} in the scale-out mode ({@code sentiment.queue.type=postgres} with
     *              {@code sentiment.storage.type=s3}) and {@code filesystem} otherwise
     * @param s3Prefix key prefix of the jobs' objects in the bucket of {@code sentiment.storage.s3}
     */
    public record ClassificationJobs(
            Path directory,
            @NotNull @DefaultValue("7d") Duration retention,
            @NotNull @DefaultValue("10m") Duration sweepInterval,
            @Positive @DefaultValue("2048") int commitRows,
            @Positive @DefaultValue("10000000") int maxRows,
            @Positive @DefaultValue("100") int maxQueued,
            StoreType store,
            @NotNull @DefaultValue("classification-jobs/") String s3Prefix) {

        public ClassificationJobs(Path directory, Duration retention, Duration sweepInterval, int commitRows,
                                  int maxRows, int maxQueued) {
            this(directory, retention, sweepInterval, commitRows, maxRows, maxQueued, null, "classification-jobs/");
        }

        @org.springframework.boot.context.properties.bind.ConstructorBinding
        public ClassificationJobs {
        }
    }

    /** Where classification jobs live: {@code sentiment.classification-jobs.directory}, or beside the training jobs. */
    public Path classificationJobsDir() {
        return classificationJobs.directory() != null ? classificationJobs.directory()
                : jobsDir().resolve("classification");
    }
}
