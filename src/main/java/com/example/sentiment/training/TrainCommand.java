package com.example.sentiment.training;

import com.example.sentiment.dataset.DatasetReader;
import com.example.sentiment.system.CommandOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code java -jar sentiment-service.jar train --data=FILE [--validation=FILE] [--config=JSON]
 * [--sentiment.models-dir=DIR] ...}: trains one model without HTTP, through the same validation, job and
 * model-store code as the service, so the version it writes is laid out exactly like one trained over HTTP.
 * Prints the finished job as JSON; exits 0 when it succeeded.
 */
public final class TrainCommand {

    private TrainCommand() {
    }

    public static int run(Class<?> application, String[] args) throws IOException {
        CommandOptions options = CommandOptions.parse(args, Set.of("data", "validation", "config"));
        if (!options.has("data")) {
            System.err.println("usage: train --data=FILE [--validation=FILE] [--config=JSON] [--sentiment.models-dir=DIR]");
            return 2;
        }
        try (ConfigurableApplicationContext context = options.startContext(application)) {
            TrainingJobService jobs = context.getBean(TrainingJobService.class);
            JsonMapper json = context.getBean(JsonMapper.class);
            TrainingJobView job = jobs.submit(options.get("config"), upload(options.get("data")),
                    options.has("validation") ? upload(options.get("validation")) : null);
            int lastEpoch = 0;
            while (!job.state().isFinal()) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    jobs.cancel(job.id());
                    return 1;
                }
                job = jobs.get(job.id());
                if (job.history().size() > lastEpoch) {
                    lastEpoch = job.history().size();
                    System.err.println("epoch " + lastEpoch + ": " + json.writeValueAsString(job.history().get(lastEpoch - 1)));
                }
            }
            System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(job));
            return job.state() == TrainingJobState.SUCCEEDED ? 0 : 1;
        }
    }

    private static DatasetReader.Upload upload(String file) throws IOException {
        Path path = Path.of(file);
        return new DatasetReader.Upload(path.getFileName().toString(), Files.size(path),
                () -> Files.newInputStream(path));
    }
}
