package com.example.sentiment.drift;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.ml.Prediction;
import com.example.sentiment.model.ModelNotFoundException;
import com.example.sentiment.model.ModelService;
import com.example.sentiment.model.StoredModel;
import com.example.sentiment.system.ProblemException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Drift of live traffic per version: counts every prediction the service answers into the version's
 * {@link LiveWindow} (a few lock-free increments on the request's thread) and compares the window with the
 * version's {@link DriftReference} by the {@link Psi population stability index}, for the API and for the gauges
 * {@code sentiment.drift.psi{model, signal}} and {@code sentiment.drift.live.sample{model}}.
 *
 * <p>Each replica counts only the traffic it answers; across replicas, the gauges are what Prometheus
 * aggregates. A version's window and gauges appear with its first live prediction on this replica.
 */
@Component
public class DriftMonitor {

    private static final Logger log = LoggerFactory.getLogger(DriftMonitor.class);
    // a reference that could not be read (the store out of reach) is tried again after this long
    private static final long RETRY_MILLIS = 60_000;

    private final SentimentProperties.Drift settings;
    private final ModelService models;
    private final MeterRegistry registry;
    private final LongSupplier clock;
    private final Map<String, LiveWindow> windows = new ConcurrentHashMap<>();
    private final Map<String, Reference> references = new ConcurrentHashMap<>();

    /**
     * A version's reference as read: present, absent (no file, or another format), or failed at a time; with the
     * checksum its metadata recorded for the file then (null for none).
     */
    private record Reference(Optional<Profile> profile, long failedAt, String checksum) {
        boolean failed() {
            return failedAt >= 0;
        }
    }

    @Autowired
    DriftMonitor(SentimentProperties properties, ModelService models, MeterRegistry registry) {
        this(properties.drift(), models, registry, System::currentTimeMillis);
    }

    /** @param clock the time in milliseconds */
    DriftMonitor(SentimentProperties.Drift settings, ModelService models, MeterRegistry registry, LongSupplier clock) {
        this.settings = settings;
        this.models = models;
        this.registry = registry;
        this.clock = clock;
    }

    /**
     * Counts live predictions of a version; cheap enough for the request's thread.
     *
     * @param labels the version's labels
     */
    public void record(String modelId, List<String> labels, List<Prediction> predictions) {
        if (!settings.enabled() || predictions.isEmpty()) {
            return;
        }
        LiveWindow window = windows.get(modelId);
        if (window == null) {
            window = windows.computeIfAbsent(modelId, id -> register(id, labels));
        }
        window.record(predictions);
    }

    private LiveWindow register(String id, List<String> labels) {
        LiveWindow window = new LiveWindow(labels, settings.window(), settings.buckets(), clock);
        for (Signal signal : Signal.values()) {
            Gauge.builder("sentiment.drift.psi", this, m -> m.psiForGauge(id, signal))
                    .description("Population stability index of live traffic (this replica, sliding window) against "
                            + "the version's validation data; NaN until judged")
                    .tags("model", id, "signal", signal.key()).register(registry);
        }
        // every prediction has a confidence: that signal's total is the window's sample
        Gauge.builder("sentiment.drift.live.sample", window, w -> total(w.snapshot().counts().get(Signal.CONFIDENCE)))
                .description("Predictions of the version in this replica's live drift window")
                .tags("model", id).register(registry);
        return window;
    }

    /**
     * The drift report of a stored version.
     *
     * @throws ModelNotFoundException when there is no such version
     */
    DriftReport report(String id) {
        StoredModel stored = models.get(id);
        LiveWindow window = windows.get(id);
        List<String> labels = stored.metadata() != null && stored.metadata().labels() != null
                ? stored.metadata().labels() : window != null ? window.labels() : List.of();
        Optional<Profile> reference = reference(id);
        Profile live = window != null ? window.snapshot() : Profile.of(labels, List.of());
        List<DriftReport.SignalDrift> signals = new ArrayList<>();
        Map<Signal, DriftStatus> statuses = new EnumMap<>(Signal.class);
        for (Signal signal : Signal.values()) {
            DriftReport.SignalDrift drift = compare(signal, labels, live, reference);
            signals.add(drift);
            statuses.put(signal, statusOf(drift));
        }
        return new DriftReport(id, overall(statuses.values(), reference.isPresent()).key(),
                total(live.counts().get(Signal.CONFIDENCE)),
                reference.map(r -> total(r.counts().get(Signal.CONFIDENCE))).orElse(null),
                settings.window().toString(), settings.minSample(), settings.warnPsi(), settings.alertPsi(), signals);
    }

    private DriftReport.SignalDrift compare(Signal signal, List<String> labels, Profile live,
                                            Optional<Profile> reference) {
        long[] liveCounts = counts(signal, live, labels);
        long liveSample = total(liveCounts);
        List<String> bins = signal.bins(labels);
        Histogram liveHistogram = new Histogram(bins, liveCounts);
        if (reference.isEmpty()) {
            return new DriftReport.SignalDrift(signal.key(), null, DriftStatus.NO_REFERENCE.key(), liveSample, 0,
                    liveHistogram, null);
        }
        long[] referenceCounts = counts(signal, reference.get(), labels);
        long referenceSample = total(referenceCounts);
        double psi = Psi.of(liveCounts, referenceCounts);
        DriftStatus status = referenceSample == 0 ? DriftStatus.NOT_APPLICABLE
                : liveSample < settings.minSample() ? DriftStatus.INSUFFICIENT_DATA
                : psi >= settings.alertPsi() ? DriftStatus.ALERT
                : psi >= settings.warnPsi() ? DriftStatus.WARN : DriftStatus.OK;
        return new DriftReport.SignalDrift(signal.key(), Double.isNaN(psi) ? null : psi, status.key(), liveSample,
                referenceSample, liveHistogram, new Histogram(bins, referenceCounts));
    }

    private static long[] counts(Signal signal, Profile profile, List<String> labels) {
        // labels by name, in the version's order: a reference written in another order still compares bin by bin
        return signal == Signal.LABEL ? profile.labelCountsIn(labels) : profile.counts().get(signal).clone();
    }

    private static DriftStatus statusOf(DriftReport.SignalDrift drift) {
        for (DriftStatus s : DriftStatus.values()) {
            if (s.key().equals(drift.status())) {
                return s;
            }
        }
        throw new IllegalStateException(drift.status());
    }

    /** The worst judged status; without one, why none is judged. */
    static DriftStatus overall(Iterable<DriftStatus> statuses, boolean hasReference) {
        DriftStatus worst = null;
        for (DriftStatus s : statuses) {
            if (s.judged() && (worst == null || s.ordinal() > worst.ordinal())) {
                worst = s;
            }
        }
        return worst != null ? worst : hasReference ? DriftStatus.INSUFFICIENT_DATA : DriftStatus.NO_REFERENCE;
    }

    /** The PSI a gauge shows: NaN until the signal is judged (or when the reference cannot be read). */
    private double psiForGauge(String id, Signal signal) {
        LiveWindow window = windows.get(id);
        if (window == null) {
            return Double.NaN;
        }
        Optional<Profile> reference;
        try {
            reference = reference(id);
        } catch (ProblemException e) {
            return Double.NaN; // deleted, or the store out of reach: the next scrape tries again
        }
        if (reference.isEmpty()) {
            return Double.NaN;
        }
        DriftReport.SignalDrift drift = compare(signal, window.labels(), window.snapshot(), reference);
        return statusOf(drift).judged() ? drift.psi() : Double.NaN;
    }

    /**
     * A version's reference profile, read once and kept while the version's metadata records the same checksum
     * for it (the file is rebuilt by {@code evaluate --drift-reference}, and then read again); a read that failed
     * is tried again after a minute.
     */
    private Optional<Profile> reference(String id) {
        Reference known = references.get(id);
        long now = clock.getAsLong();
        String checksum;
        try {
            checksum = checksum(models.get(id));
        } catch (ModelNotFoundException e) {
            references.remove(id);
            throw e;
        }
        if (known != null && Objects.equals(known.checksum(), checksum)
                && (!known.failed() || now - known.failedAt() < RETRY_MILLIS)) {
            return known.profile();
        }
        try {
            Optional<Profile> profile = models.versionFile(id, DriftReference.FILE).flatMap(bytes -> {
                Optional<Profile> read = DriftReference.read(bytes);
                if (read.isEmpty()) {
                    log.warn("Model {}: {} is not a reference profile of this release; drift has no reference",
                            id, DriftReference.FILE);
                }
                return read;
            });
            references.put(id, new Reference(profile, -1, checksum));
            return profile;
        } catch (ModelNotFoundException e) {
            references.remove(id);
            throw e;
        } catch (ProblemException e) {
            log.warn("Model {}: cannot read its drift reference yet: {}", id, e.getMessage());
            references.put(id, new Reference(Optional.empty(), now, checksum));
            return Optional.empty();
        }
    }

    private static String checksum(StoredModel stored) {
        return stored.metadata() == null || stored.metadata().checksums() == null ? null
                : stored.metadata().checksums().get(DriftReference.FILE);
    }

    private static long total(long[] counts) {
        long sum = 0;
        for (long c : counts) {
            sum += c;
        }
        return sum;
    }
}
