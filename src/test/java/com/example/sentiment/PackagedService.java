package com.example.sentiment;

import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The packaged jar ({@code app.jar}, set by failsafe) started as a separate process on a free port with its own
 * models folder, for the integration tests that kill it or load it from outside.
 */
public final class PackagedService implements AutoCloseable {

    private final Process process;
    private final ServiceClient client;

    private PackagedService(Process process, ServiceClient client) {
        this.process = process;
        this.client = client;
    }

    /** Starts the jar with these JVM options and waits until it is live; its output goes to {@code log}. */
    public static PackagedService start(Path models, Path log, String... jvmOptions) throws Exception {
        return start(models, log, List.of(), jvmOptions);
    }

    /** The same, with these application arguments ({@code --name=value}) after the ones it always sets. */
    public static PackagedService start(Path models, Path log, List<String> arguments, String... jvmOptions)
            throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-jar", System.getProperty("app.jar"), "--server.port=" + port,
                "--sentiment.models-dir=" + models, "--sentiment.vectors-dir=" + models.resolve("none"),
                // as before seeding existed: each test decides which versions its folder holds
                "--sentiment.seed-models=false"));
        command.addAll(arguments);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ServiceClient client = new ServiceClient("http://localhost:" + port, HttpClient.newHttpClient());
        await().atMost(Duration.ofSeconds(120)).ignoreExceptions()
                .until(() -> client.get("/actuator/health/liveness").status() == 200);
        return new PackagedService(process, client);
    }

    public ServiceClient client() {
        return client;
    }

    public long pid() {
        return process.pid();
    }

    /** Ends the process at once, as a crash or {@code kill -9} would, and waits for it to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
