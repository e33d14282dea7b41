package com.example.sentiment.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.ml.Prediction;
import com.example.sentiment.model.ModelService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The canary's split and its automatic rollback, on the embedded store with the model service mocked (the
 * versions' answers are the test's doubles): the routing and the guard check are the service's own.
 * {@link PostgresCanaryRolloutIT} runs the same against the scale-out mode's store.
 */
class CanaryRolloutTest {

    private static final String ACTIVE = "20261202-100000-aaaa";
    private static final String CANARY = "20261202-100000-bbbb";
    private static final SentimentProperties.Rollout SETTINGS = new SentimentProperties.Rollout(false, 100, 5, 100,
            Duration.ofMillis(200), Duration.ofSeconds(1));
    private static final Prediction ANSWER = new Prediction("positive", 0.9,
            Map.of("positive", 0.9, "negative", 0.1), 3, false);

    @TempDir
    Path models;

    private final List<Rollouts> opened = new ArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @AfterEach
    void close() {
        opened.forEach(Rollouts::close);
        RequestContextHolder.resetRequestAttributes();
    }

    /** A handle on the replicas' shared rollout state (the embedded default's file here). */
    protected RolloutStore store() {
        return new FileSystemRolloutStore(models);
    }

    private ModelService modelService() {
        ModelService service = mock(ModelService.class);
        when(service.active()).thenReturn(Optional.of(new ModelService.LoadedModel(ACTIVE, null, null)));
        when(service.resolve(anyString())).thenAnswer(i -> new ModelService.LoadedModel(i.getArgument(0), null, null));
        return service;
    }

    /** One replica: its own state follower, windows and routing, over the shared folder's store. */
    private record Replica(Rollouts rollouts, RolloutTraffic traffic) {
    }

    private Replica replica() {
        ModelService service = modelService();
        CanaryWindows windows = new CanaryWindows();
        Rollouts rollouts = new Rollouts(store(), service, windows, SETTINGS, meters,
                Clock.systemUTC());
        opened.add(rollouts);
        ShadowComparison shadow = new ShadowComparison(service, SETTINGS, meters);
        return new Replica(rollouts, new RolloutTraffic(rollouts, windows, shadow, service));
    }

    /** The smallest k with P(X <= k) >= p for X ~ Binomial(n, q). */
    private static int binomialQuantile(int n, double q, double p) {
        double cumulative = 0;
        for (int k = 0; k <= n; k++) {
            cumulative += Math.exp(logChoose(n, k) + k * Math.log(q) + (n - k) * Math.log1p(-q));
            if (cumulative >= p) {
                return k;
            }
        }
        return n;
    }

    private static double logChoose(int n, int k) {
        double sum = 0;
        for (int i = 1; i <= k; i++) {
            sum += Math.log(n - k + i) - Math.log(i);
        }
        return sum;
    }

    @Test
    void tenPercentOfTwoThousandRequestsGoToTheCanaryWithinThe99PercentBinomialBounds() {
        Replica replica = replica();
        replica.rollouts().startCanary(CANARY, 10, RolloutState.Guards.DEFAULT);
        int toCanary = 0;
        for (int i = 0; i < 2000; i++) {
            try (RolloutTraffic.Route route = replica.traffic().route(null, List.of("review number " + i + " of the film"))) {
                toCanary += CANARY.equals(route.modelId()) ? 1 : 0;
            }
        }
        int low = binomialQuantile(2000, 0.10, 0.005);
        int high = binomialQuantile(2000, 0.10, 0.995);
        assertThat(low).isBetween(160, 175); // about 200 - 2.58 x 13.4
        assertThat(toCanary).isBetween(low, high);
    }

    @Test
    void aClientStaysOnItsSideAndEveryReplicaSplitsAlikeAndNamedRequestsAreNotRouted() {
        Replica one = replica();
        Replica two = replica();
        one.rollouts().startCanary(CANARY, 30, RolloutState.Guards.DEFAULT);
        two.rollouts().refresh();
        int canaryClients = 0;
        for (int client = 0; client < 200; client++) {
            MockHttpServletRequest request = new MockHttpServletRequest();
            request.addHeader(RolloutTraffic.CLIENT_KEY_HEADER, "client-" + client);
            RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(request));
            String first = one.traffic().route(null, List.of("text a")).modelId();
            for (int i = 0; i < 5; i++) {
                assertThat(one.traffic().route(null, List.of("another text " + i)).modelId()).isEqualTo(first);
                assertThat(two.traffic().route(null, List.of("text " + i)).modelId()).isEqualTo(first);
            }
            assertThat(one.traffic().route(ACTIVE, List.of("text a")).modelId()).isEqualTo(ACTIVE);
            canaryClients += CANARY.equals(first) ? 1 : 0;
        }
        assertThat(canaryClients).isBetween(30, 90);
    }

    @Test
    void aCanaryFailingOneRequestInFiveIsRolledBackOnEveryReplicaWithin30SecondsOfCrossingItsGuard() {
        Replica replica = replica();
        Replica other = replica();
        RolloutState.Guards guards = new RolloutState.Guards(0.05, null, null, null, 50, 30);
        replica.rollouts().startCanary(CANARY, 20, guards);
        AtomicInteger canaryRequests = new AtomicInteger();
        AtomicLong crossedAt = new AtomicLong();
        AtomicInteger sent = new AtomicInteger();
        ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
        try {
            traffic.scheduleAtFixedRate(() -> {
                int i = sent.getAndIncrement();
                List<String> texts = List.of("request " + i);
                try (RolloutTraffic.Route route = replica.traffic().route(null, texts)) {
                    if (CANARY.equals(route.modelId())) {
                        // the test double: the canary fails every fifth of its requests
                        if (canaryRequests.incrementAndGet() % 5 == 0) {
                            return;
                        }
                        if (canaryRequests.get() >= guards.minSample()) {
                            crossedAt.compareAndSet(0, System.nanoTime());
                        }
                    }
                    route.answered(route.modelId() != null ? route.modelId() : ACTIVE, texts, List.of(ANSWER), 0);
                }
            }, 0, 2, TimeUnit.MILLISECONDS);
            await().atMost(Duration.ofSeconds(60)).until(() -> crossedAt.get() != 0);
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    replica.rollouts().state().canary().state() == RolloutState.CanaryState.ROLLED_BACK);
            assertThat(Duration.ofNanos(System.nanoTime() - crossedAt.get())).isLessThan(Duration.ofSeconds(30));
        } finally {
            traffic.shutdownNow();
        }
        RolloutState.Canary decided = replica.rollouts().state().canary();
        assertThat(decided.reason()).matches("error rate 0\\.(19|2)\\d* over \\d+ requests > active 0\\.000 \\+ 0\\.050");
        assertThat(replica.rollouts().events()).last().satisfies(e -> {
            assertThat(e.type()).isEqualTo("canary-rolled-back");
            assertThat(e.modelId()).isEqualTo(CANARY);
        });
        assertThat(meters.get("sentiment.rollout.canary.rollbacks").counter().count()).isEqualTo(1);
        // the other replica, which computed nothing, applies the stored decision at its next poll
        await().atMost(Duration.ofSeconds(5)).until(() -> other.rollouts().state().runningCanary() == null);
        for (int i = 0; i < 200; i++) {
            assertThat(replica.traffic().route(null, List.of("after " + i)).modelId()).isNull();
            assertThat(other.traffic().route(null, List.of("after " + i)).modelId()).isNull();
        }
    }
}
