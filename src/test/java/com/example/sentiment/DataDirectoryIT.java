package com.example.sentiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar started from a directory that is not the checkout, with no storage setting at all: it finds
 * the seeds it carries, keeps its data under the user's home and serves the bundled model.
 */
class DataDirectoryIT {

    @TempDir
    Path dir;

    @Test
    void theJarStartedElsewhereSeedsItsDataDirectoryUnderTheHomeAndServes() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Path home = Files.createDirectories(dir.resolve("home"));
        String bundled = Files.readString(Path.of("models/active")).trim();
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process process = new ProcessBuilder(List.of("java", "-Duser.home=" + home, "-jar",
                Path.of(System.getProperty("app.jar")).toAbsolutePath().toString(), "--server.port=" + port,
                "--server.address=127.0.0.1"))
                .directory(elsewhere.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("service.log").toFile()).start();
        try {
            ServiceClient client = new ServiceClient("http://127.0.0.1:" + port, HttpClient.newHttpClient());
            await().atMost(Duration.ofSeconds(180)).ignoreExceptions()
                    .until(() -> client.get("/actuator/health/readiness").status() == 200);
            assertThat(client.get("/api/v1/status").json().get("activeModel").get("id").asString()).isEqualTo(bundled);
            assertThat(client.scores("A moving, beautifully acted film.").get("positive")).isGreaterThan(0.5);
            Path data = home.resolve(".sentiment-service/models");
            assertThat(Files.readString(data.resolve("active")).trim()).isEqualTo(bundled);
            assertThat(data.resolve(bundled).resolve("model.zip")).exists();
            try (var entries = Files.list(elsewhere)) {
                assertThat(entries.toList()).as("nothing written to the working directory").isEmpty();
            }
        } finally {
            process.destroyForcibly().waitFor();
        }
    }
}
