package com.example.sentiment.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.example.sentiment.FullContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The Kubernetes manifests of {@code deploy/k8s}, rendered by {@code kubectl kustomize} (offline: no cluster runs
 * here) and checked for the mistakes a cluster would only show at run time: selectors that match no pod, probes
 * and Services aimed at a port the container does not open, probe paths the application does not answer (checked
 * against this very application, started on a random port), an HPA or PDB aimed at the wrong Deployment, and a
 * rollout that could drop capacity or cut requests short.
 *
 * <p>kubectl is looked up in {@code $KUBECTL}, {@code /usr/bin/kubectl}, then {@code $PATH}. Without it the tests
 * are skipped, unless {@code SENTIMENT_REQUIRE_KUBECTL=1}, where they fail; {@code .ci/run} sets that when the
 * machine has kubectl (Debian 12 packages none, so CI cannot install it).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class KubernetesManifestsTest extends FullContext {

    private static final Path K8S = Path.of("deploy", "k8s");
    private static final String IMAGE = "sentiment-service:0.1.0";
    private static final Map<String, List<Map<String, Object>>> RENDERED = new ConcurrentHashMap<>();

    @LocalServerPort
    int port;

    // ---------------------------------------------------------------------------------------------------------
    // both overlays

    @ParameterizedTest
    @ValueSource(strings = {"single", "scaled"})
    void selectorsMatchThePodsOfADeployment(String overlay) {
        List<Map<String, Object>> all = render(overlay);
        List<Map<String, Object>> deployments = ofKind(all, "Deployment");
        assertThat(deployments).isNotEmpty();
        for (Map<String, Object> deployment : deployments) {
            Map<String, String> selector = matchLabels(map(deployment, "spec", "selector"), deployment);
            assertThat(podLabels(deployment)).as(name(deployment) + ": its selector matches its own pods")
                    .containsAllEntriesOf(selector);
            // two Deployments whose selectors overlap fight over each other's pods
            assertThat(selected(deployments, selector)).as(name(deployment) + ": its selector matches only its pods")
                    .containsExactly(name(deployment));
        }
        for (Map<String, Object> service : ofKind(all, "Service")) {
            Map<String, String> selector = strings(map(service, "spec", "selector"));
            assertThat(selector).as(name(service) + " has a selector").isNotEmpty();
            assertThat(selected(deployments, selector)).as(name(service) + " selects a Deployment's pods").isNotEmpty();
        }
        for (Map<String, Object> pdb : ofKind(all, "PodDisruptionBudget")) {
            assertThat(selected(deployments, matchLabels(map(pdb, "spec", "selector"), pdb)))
                    .as(name(pdb) + " selects a Deployment's pods").isNotEmpty();
        }
        for (Map<String, Object> hpa : ofKind(all, "HorizontalPodAutoscaler")) {
            Map<String, Object> target = map(hpa, "spec", "scaleTargetRef");
            assertThat(target.get("kind")).isEqualTo("Deployment");
            assertThat(names(deployments)).as(name(hpa) + " scales a rendered Deployment").contains((String) target.get("name"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"single", "scaled"})
    void portsAgreeWithTheApplicationTheProbesAndTheServices(String overlay) throws IOException {
        List<Map<String, Object>> all = render(overlay);
        int serverPort = applicationServerPort();
        assertThat(Files.readString(Path.of("Dockerfile"))).as("the image exposes the application's port")
                .containsPattern("(?m)^EXPOSE\\s+" + serverPort + "\\s*$");
        List<Map<String, Object>> deployments = ofKind(all, "Deployment");
        for (Map<String, Object> deployment : deployments) {
            for (Map<String, Object> container : containers(deployment)) {
                String where = name(deployment) + "/" + container.get("name");
                Map<String, Integer> ports = containerPorts(container);
                assertThat(ports.values()).as(where + ": the container opens the port the application listens on")
                        .containsExactly(serverPort);
                assertThat(env(container)).as(where + ": nothing moves the application's port")
                        .doesNotContainKeys("SERVER_PORT");
                for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                    if (container.get(probe) != null) {
                        Object probePort = map(container, probe, "httpGet").get("port");
                        assertThat(resolve(probePort, ports)).as(where + " " + probe + " port " + probePort)
                                .isEqualTo(serverPort);
                    }
                }
            }
        }
        for (Map<String, Object> service : ofKind(all, "Service")) {
            List<Map<String, Object>> servicePorts = list(map(service, "spec"), "ports");
            assertThat(servicePorts).as(name(service) + " has ports").isNotEmpty();
            assertThat(servicePorts.stream().map(p -> p.get("name")).distinct().count())
                    .as(name(service) + ": port names are unique").isEqualTo(servicePorts.size());
            for (Map<String, Object> deployment : selectedDeployments(deployments, strings(map(service, "spec", "selector")))) {
                for (Map<String, Object> servicePort : servicePorts) {
                    Object target = servicePort.getOrDefault("targetPort", servicePort.get("port"));
                    boolean opened = containers(deployment).stream()
                            .anyMatch(c -> resolve(target, containerPorts(c)) != null);
                    assertThat(opened).as(name(service) + " targetPort " + target + " is a port of " + name(deployment))
                            .isTrue();
                }
            }
        }
    }

    /** Every probe path, asked of the running application: 200 (UP) or 503 (DOWN, e.g. no model yet), never 404. */
    @ParameterizedTest
    @ValueSource(strings = {"single", "scaled"})
    void probePathsExistInTheApplication(String overlay) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (Map<String, Object> deployment : ofKind(render(overlay), "Deployment")) {
            for (Map<String, Object> container : containers(deployment)) {
                Map<String, String> probes = probePaths(container);
                assertThat(probes).as(name(deployment) + " has startup, liveness and readiness probes")
                        .containsOnlyKeys("startupProbe", "livenessProbe", "readinessProbe");
                for (Map.Entry<String, String> probe : probes.entrySet()) {
                    String path = probe.getValue();
                    if (!roles(container).contains("serve")) {
                        // a node without role serve answers nothing but the actuator (ServingRoleFilter)
                        assertThat(path).as(name(deployment) + " " + probe.getKey() + " on a worker").startsWith("/actuator/");
                    }
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:"
                            + port + path)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(response.statusCode()).as(name(deployment) + " " + probe.getKey() + " GET " + path)
                            .isIn(200, 503);
                    assertThat(response.body()).as(path + " is a health group").contains("\"status\"");
                }
                assertThat(probes.get("livenessProbe")).as("liveness must not depend on the model")
                        .isEqualTo("/actuator/health/liveness");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"single", "scaled"})
    void everyContainerRunsTheImageTheDockerfileBuilds(String overlay) {
        for (Map<String, Object> deployment : ofKind(render(overlay), "Deployment")) {
            for (Map<String, Object> container : containers(deployment)) {
                assertThat(container.get("image")).as(name(deployment)).isEqualTo(IMAGE);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"single", "scaled"})
    void requiredSecretsAndVolumesAreRendered(String overlay) {
        List<Map<String, Object>> all = render(overlay);
        Map<String, Set<String>> secretKeys = new LinkedHashMap<>();
        for (Map<String, Object> secret : ofKind(all, "Secret")) {
            Set<String> keys = new HashSet<>();
            keys.addAll(strings(secret.get("stringData")).keySet());
            keys.addAll(strings(secret.get("data")).keySet());
            secretKeys.put(name(secret), keys);
        }
        Set<String> claims = new HashSet<>(names(ofKind(all, "PersistentVolumeClaim")));
        for (Map<String, Object> deployment : ofKind(all, "Deployment")) {
            for (Map<String, Object> container : containers(deployment)) {
                for (Map<String, Object> variable : list(container, "env")) {
                    Map<String, Object> ref = variable.get("valueFrom") instanceof Map<?, ?>
                            ? map(variable, "valueFrom", "secretKeyRef") : Map.of();
                    if (!ref.isEmpty() && !Boolean.TRUE.equals(ref.get("optional"))) {
                        assertThat(secretKeys.getOrDefault((String) ref.get("name"), Set.of()))
                                .as(name(deployment) + " " + variable.get("name") + " reads a key of a rendered Secret")
                                .contains((String) ref.get("key"));
                    }
                }
            }
            for (Map<String, Object> volume : list(map(deployment, "spec", "template", "spec"), "volumes")) {
                if (volume.get("persistentVolumeClaim") instanceof Map<?, ?> claim) {
                    assertThat(claims).as(name(deployment) + " volume " + volume.get("name")).contains((String) claim.get("claimName"));
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // single

    @Test
    void singleIsOnePodWithTheEmbeddedDefaultsOnAVolume() {
        List<Map<String, Object>> all = render("single");
        List<Map<String, Object>> deployments = ofKind(all, "Deployment");
        assertThat(deployments).hasSize(1);
        Map<String, Object> deployment = deployments.get(0);
        assertThat(map(deployment, "spec").get("replicas")).isEqualTo(1);
        // a rolling update would run two pods against one ReadWriteOnce volume and one in-process queue
        assertThat(map(deployment, "spec", "strategy").get("type")).isEqualTo("Recreate");
        assertThat(ofKind(all, "HorizontalPodAutoscaler")).as("one pod: nothing scales it").isEmpty();

        Map<String, Object> container = containers(deployment).get(0);
        Map<String, Object> env = env(container);
        assertThat(env).as("the embedded defaults: local store and queue, no server")
                .doesNotContainKeys("SENTIMENT_STORAGE_TYPE", "SENTIMENT_QUEUE_TYPE", "SENTIMENT_POSTGRES_URL",
                        "SENTIMENT_STORAGE_S3_ENDPOINT");
        assertThat(roles(container)).containsExactlyInAnyOrder("serve", "train");
        assertThat((String) env.get("SENTIMENT_MODELS_DIR")).startsWith("/data/");
        assertThat((String) env.get("SENTIMENT_DATA_DIR")).startsWith("/data/");

        String volume = list(container, "volumeMounts").stream().filter(m -> "/data".equals(m.get("mountPath")))
                .map(m -> (String) m.get("name")).findFirst().orElseThrow(() -> new AssertionError("nothing at /data"));
        Map<String, Object> data = list(map(deployment, "spec", "template", "spec"), "volumes").stream()
                .filter(v -> volume.equals(v.get("name"))).findFirst().orElseThrow();
        assertThat(data).as("/data is the claim, not a scratch directory").containsKey("persistentVolumeClaim")
                .doesNotContainKey("emptyDir");
        assertThat(names(ofKind(all, "PersistentVolumeClaim"))).contains((String) map(data, "persistentVolumeClaim").get("claimName"));
    }

    // ---------------------------------------------------------------------------------------------------------
    // scaled

    @Test
    void scaledServesWithoutDroppingCapacityOrCuttingRequestsShort() throws IOException {
        List<Map<String, Object>> all = render("scaled");
        Map<String, Object> serving = byRole(all, "serve");
        Map<String, Object> spec = map(serving, "spec");
        assertThat((Integer) spec.get("replicas")).as("serving replicas").isGreaterThanOrEqualTo(2);
        assertThat(map(spec, "strategy").get("type")).isEqualTo("RollingUpdate");
        assertThat(String.valueOf(map(spec, "strategy", "rollingUpdate").get("maxUnavailable")))
                .as("maxUnavailable").isIn("0", "0%");

        Map<String, Object> container = containers(serving).get(0);
        assertThat(probePaths(container)).containsEntry("readinessProbe", "/actuator/health/readiness")
                .containsEntry("livenessProbe", "/actuator/health/liveness")
                .containsEntry("startupProbe", "/actuator/health/liveness");
        assertThat(map(container, "resources", "requests")).as("the HPA's utilisation is relative to the CPU request")
                .containsKeys("cpu", "memory");
        assertThat(map(container, "resources", "limits")).containsKey("memory");

        long preStop = preStopSeconds(container);
        assertThat(preStop).as("preStop delay: the load balancers stop sending first").isPositive();
        long grace = ((Number) map(serving, "spec", "template", "spec").get("terminationGracePeriodSeconds")).longValue();
        long shutdown = applicationShutdownSeconds();
        assertThat(grace).as("grace period > preStop %d s + Spring's graceful shutdown %d s", preStop, shutdown)
                .isGreaterThan(preStop + shutdown);

        Map<String, Object> hpa = only(all, "HorizontalPodAutoscaler");
        assertThat(hpa.get("apiVersion")).isEqualTo("autoscaling/v2");
        assertThat(map(hpa, "spec", "scaleTargetRef")).containsEntry("kind", "Deployment").containsEntry("name", name(serving));
        assertThat((Integer) map(hpa, "spec").get("minReplicas")).isGreaterThanOrEqualTo(2)
                .isLessThanOrEqualTo((Integer) map(hpa, "spec").get("maxReplicas"));
        assertThat(list(map(hpa, "spec"), "metrics")).anySatisfy(metric -> {
            assertThat(metric.get("type")).isEqualTo("Resource");
            assertThat(map(metric, "resource").get("name")).isEqualTo("cpu");
        });

        Map<String, Object> pdb = only(all, "PodDisruptionBudget");
        assertThat(pdb.get("apiVersion")).isEqualTo("policy/v1");
        assertThat(map(pdb, "spec").get("minAvailable")).isEqualTo(1);
        assertThat(selected(ofKind(all, "Deployment"), matchLabels(map(pdb, "spec", "selector"), pdb)))
                .as("the PDB guards the serving pods only").containsExactly(name(serving));

        List<String> servingServices = ofKind(all, "Service").stream()
                .filter(s -> selected(ofKind(all, "Deployment"), strings(map(s, "spec", "selector"))).contains(name(serving)))
                .map(KubernetesManifestsTest::name).toList();
        assertThat(servingServices).as("a Service sends traffic to the serving pods").isNotEmpty();
        for (String service : servingServices) {
            Map<String, Object> s = ofKind(all, "Service").stream().filter(x -> service.equals(name(x))).findFirst().orElseThrow();
            assertThat(selected(ofKind(all, "Deployment"), strings(map(s, "spec", "selector"))))
                    .as(service + " sends API traffic to serving pods only, never to a worker").containsExactly(name(serving));
        }
    }

    @Test
    void scaledWorkersTrainAndNameThemselvesByTheirPodAddress() {
        List<Map<String, Object>> all = render("scaled");
        Map<String, Object> worker = byRole(all, "train");
        assertThat(worker).isNotSameAs(byRole(all, "serve"));
        Map<String, Object> container = containers(worker).get(0);
        assertThat(probePaths(container)).containsKeys("startupProbe", "livenessProbe", "readinessProbe");
        assertThat(map(container, "resources", "requests")).containsKeys("cpu", "memory");

        // $(POD_IP) expands only to a variable defined earlier in the list
        List<Map<String, Object>> env = list(container, "env");
        int podIp = indexOf(env, "POD_IP");
        int workerName = indexOf(env, "SENTIMENT_QUEUE_WORKER_NAME");
        assertThat(podIp).as("POD_IP is set").isNotNegative().isLessThan(workerName);
        assertThat(map(env.get(podIp), "valueFrom", "fieldRef").get("fieldPath")).isEqualTo("status.podIP");
        assertThat((String) env.get(workerName).get("value")).contains("$(POD_IP)");

        String name = name(worker);
        assertThat(ofKind(all, "HorizontalPodAutoscaler")).noneSatisfy(hpa ->
                assertThat(map(hpa, "spec", "scaleTargetRef").get("name")).isEqualTo(name));
    }

    @Test
    void scaledReadsTheObjectStoreAndTheDatabaseFromAPlaceholderSecret() {
        List<Map<String, Object>> all = render("scaled");
        Map<String, Object> secret = only(all, "Secret");
        assertThat(strings(map(secret, "metadata", "annotations")).values()).as("marked as placeholders")
                .anySatisfy(value -> assertThat(value).contains("replace"));
        assertThat(strings(secret.get("stringData")).values()).as("no real credential in git")
                .allSatisfy(value -> assertThat(value).contains("CHANGE-ME"));
        for (String role : List.of("serve", "train")) {
            Map<String, Object> env = env(containers(byRole(all, role)).get(0));
            assertThat(env).as(role).containsEntry("SENTIMENT_STORAGE_TYPE", "s3").containsEntry("SENTIMENT_QUEUE_TYPE", "postgres");
            for (String name : List.of("SENTIMENT_STORAGE_S3_ENDPOINT", "SENTIMENT_STORAGE_S3_BUCKET",
                    "SENTIMENT_STORAGE_S3_ACCESS_KEY", "SENTIMENT_STORAGE_S3_SECRET_KEY", "SENTIMENT_POSTGRES_URL",
                    "SENTIMENT_POSTGRES_USERNAME", "SENTIMENT_POSTGRES_PASSWORD")) {
                assertThat(env.get(name)).as(role + " " + name + " comes from the Secret")
                        .isInstanceOf(Map.class)
                        .satisfies(ref -> assertThat(((Map<?, ?>) ((Map<?, ?>) ref).get("secretKeyRef")).get("name"))
                                .isEqualTo(name(secret)));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // rendering

    private static List<Map<String, Object>> render(String overlay) {
        return RENDERED.computeIfAbsent(overlay, KubernetesManifestsTest::kustomize);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> kustomize(String overlay) {
        String kubectl = kubectl();
        try {
            Path out = Files.createTempFile("kustomize-" + overlay, ".yaml");
            Path err = Files.createTempFile("kustomize-" + overlay, ".err");
            try {
                Process process = new ProcessBuilder(kubectl, "kustomize", K8S.resolve("overlays").resolve(overlay).toString())
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!process.waitFor(2, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    fail("kubectl kustomize " + overlay + " did not finish in 2 minutes");
                }
                assertThat(process.exitValue()).as("kubectl kustomize %s: %s", overlay, Files.readString(err)).isZero();
                List<Map<String, Object>> documents = new ArrayList<>();
                for (Object document : new Yaml(new SafeConstructor(new LoaderOptions()))
                        .loadAll(Files.readString(out, StandardCharsets.UTF_8))) {
                    if (document != null) {
                        documents.add((Map<String, Object>) document);
                    }
                }
                return documents;
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String kubectl() {
        Stream<Path> candidates = Stream.concat(
                Stream.of(System.getenv("KUBECTL"), "/usr/bin/kubectl").filter(Objects::nonNull).map(Path::of),
                Stream.of(Objects.requireNonNullElse(System.getenv("PATH"), "").split(java.io.File.pathSeparator))
                        .filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, "kubectl")));
        String found = candidates.filter(Files::isExecutable).findFirst().map(Path::toString).orElse(null);
        if (found == null) {
            // not SENTIMENT_REQUIRE_TEST_SERVERS: Debian 12 packages no kubectl, so CI cannot install one
            if ("1".equals(System.getenv("SENTIMENT_REQUIRE_KUBECTL"))) {
                fail("kubectl is needed to render deploy/k8s (SENTIMENT_REQUIRE_KUBECTL=1); install it or set KUBECTL");
            }
            Assumptions.abort("kubectl is not installed: the Kubernetes manifests are not rendered");
        }
        return found;
    }

    // ---------------------------------------------------------------------------------------------------------
    // the application's own settings the manifests must agree with

    @SuppressWarnings("unchecked")
    private static Map<String, Object> applicationYaml() throws IOException {
        return (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(Files.readString(Path.of("src", "main", "resources", "application.yml")));
    }

    private static int applicationServerPort() throws IOException {
        Object port = map(applicationYaml(), "server").get("port");
        return port == null ? 8080 : Integer.parseInt(port.toString());
    }

    private static long applicationShutdownSeconds() throws IOException {
        Object timeout = map(applicationYaml(), "spring", "lifecycle").get("timeout-per-shutdown-phase");
        return timeout == null ? 30 : DurationStyle.detectAndParse(timeout.toString()).toSeconds();
    }

    // ---------------------------------------------------------------------------------------------------------
    // reading the rendered documents

    private static List<Map<String, Object>> ofKind(List<Map<String, Object>> all, String kind) {
        return all.stream().filter(d -> kind.equals(d.get("kind"))).toList();
    }

    private static Map<String, Object> only(List<Map<String, Object>> all, String kind) {
        List<Map<String, Object>> found = ofKind(all, kind);
        assertThat(found).as("one " + kind).hasSize(1);
        return found.get(0);
    }

    private static Map<String, Object> byRole(List<Map<String, Object>> all, String role) {
        List<Map<String, Object>> found = ofKind(all, "Deployment").stream()
                .filter(d -> roles(containers(d).get(0)).equals(List.of(role))).toList();
        assertThat(found).as("one Deployment with SENTIMENT_ROLES=" + role).hasSize(1);
        return found.get(0);
    }

    private static List<String> roles(Map<String, Object> container) {
        Object roles = env(container).getOrDefault("SENTIMENT_ROLES", "serve,train");
        return Stream.of(roles.toString().split(",")).map(String::trim).filter(r -> !r.isEmpty()).toList();
    }

    private static String name(Map<String, Object> resource) {
        return (String) map(resource, "metadata").get("name");
    }

    private static List<String> names(List<Map<String, Object>> resources) {
        return resources.stream().map(KubernetesManifestsTest::name).toList();
    }

    private static Map<String, String> podLabels(Map<String, Object> deployment) {
        return strings(map(deployment, "spec", "template", "metadata", "labels"));
    }

    private static Map<String, String> matchLabels(Map<String, Object> selector, Map<String, Object> owner) {
        assertThat(selector).as(name(owner) + ": only matchLabels are checked here").doesNotContainKey("matchExpressions");
        Map<String, String> labels = strings(selector.get("matchLabels"));
        assertThat(labels).as(name(owner) + " has a selector").isNotEmpty();
        return labels;
    }

    /** The names of the Deployments whose pods carry every label of the selector. */
    private static List<String> selected(List<Map<String, Object>> deployments, Map<String, String> selector) {
        return names(selectedDeployments(deployments, selector));
    }

    private static List<Map<String, Object>> selectedDeployments(List<Map<String, Object>> deployments,
                                                                 Map<String, String> selector) {
        return deployments.stream().filter(d -> !selector.isEmpty()
                && podLabels(d).entrySet().containsAll(selector.entrySet())).toList();
    }

    private static List<Map<String, Object>> containers(Map<String, Object> deployment) {
        List<Map<String, Object>> containers = list(map(deployment, "spec", "template", "spec"), "containers");
        assertThat(containers).as(name(deployment) + " has containers").isNotEmpty();
        return containers;
    }

    /** Container port by name (unnamed ports under their number). */
    private static Map<String, Integer> containerPorts(Map<String, Object> container) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (Map<String, Object> port : list(container, "ports")) {
            int number = (Integer) port.get("containerPort");
            Object key = port.getOrDefault("name", String.valueOf(number));
            assertThat(ports.put(key.toString(), number)).as(container.get("name") + ": port " + key + " is unique").isNull();
        }
        return ports;
    }

    /** A probe's or Service's port, a name or a number, as one of the container's ports; null if it opens none. */
    private static Integer resolve(Object port, Map<String, Integer> containerPorts) {
        if (port instanceof Integer number) {
            return containerPorts.containsValue(number) ? number : null;
        }
        String text = String.valueOf(port);
        if (text.matches("\\d+")) {
            return resolve(Integer.parseInt(text), containerPorts);
        }
        return containerPorts.get(text);
    }

    private static Map<String, String> probePaths(Map<String, Object> container) {
        Map<String, String> paths = new LinkedHashMap<>();
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            if (container.get(probe) != null) {
                paths.put(probe, (String) map(container, probe, "httpGet").get("path"));
            }
        }
        return paths;
    }

    /** Seconds the preStop hook waits: {@code exec: sleep N} or Kubernetes 1.30's {@code sleep: {seconds: N}}. */
    private static long preStopSeconds(Map<String, Object> container) {
        Map<String, Object> preStop = map(container, "lifecycle", "preStop");
        if (preStop.get("sleep") instanceof Map<?, ?> sleep) {
            return ((Number) sleep.get("seconds")).longValue();
        }
        String command = String.join(" ", strings(map(preStop, "exec").get("command"), List.of()));
        Matcher sleep = Pattern.compile("\\bsleep\\s+(\\d+)").matcher(command);
        assertThat(sleep.find()).as("preStop sleeps: " + command).isTrue();
        return Long.parseLong(sleep.group(1));
    }

    private static Map<String, Object> env(Map<String, Object> container) {
        Map<String, Object> env = new LinkedHashMap<>();
        for (Map<String, Object> variable : list(container, "env")) {
            assertThat(env.containsKey((String) variable.get("name"))).as("env " + variable.get("name") + " once").isFalse();
            env.put((String) variable.get("name"),
                    variable.containsKey("value") ? variable.get("value") : variable.get("valueFrom"));
        }
        return env;
    }

    private static int indexOf(List<Map<String, Object>> env, String name) {
        for (int i = 0; i < env.size(); i++) {
            if (name.equals(env.get(i).get("name"))) {
                return i;
            }
        }
        return -1;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> from, String... path) {
        Object current = from;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> map) || map.get(key) == null) {
                return Map.of();
            }
            current = map.get(key);
        }
        return current instanceof Map<?, ?> ? (Map<String, Object>) current : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> from, String key) {
        return from.get(key) instanceof List<?> list ? (List<Map<String, Object>>) list : List.of();
    }

    private static Map<String, String> strings(Object map) {
        Map<String, String> strings = new LinkedHashMap<>();
        if (map instanceof Map<?, ?> m) {
            m.forEach((k, v) -> strings.put(String.valueOf(k), String.valueOf(v)));
        }
        return strings;
    }

    private static List<String> strings(Object list, List<String> otherwise) {
        return list instanceof List<?> l ? l.stream().map(String::valueOf).toList() : otherwise;
    }
}
