package com.example.sentiment.training;

import com.example.sentiment.system.CommandOptions;
import com.example.sentiment.feedback.FeedbackStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
            TrainingUploadReader reader = context.getBean(TrainingUploadReader.class);
            TrainingJobService jobs = context.getBean(TrainingJobService.class);
            JsonMapper json = context.getBean(JsonMapper.class);
            TrainingConfig.ResolvedTrainingConfig config = reader.config(options.get("config"));
            TrainingUploadReader.Upload dataFile = upload(options.get("data"));
            TrainingUploadReader.Upload validationFile = options.has("validation") ? upload(options.get("validation")) : null;
            PreparedDataset data = reader.data(dataFile, validationFile, config,
                    config.includeFeedback() ? PreparedDataset.correctionRows(context.getBean(FeedbackStore.class).all())
                            : List.of());
            TrainingJobView job = jobs.submit(data, config, dataFile, validationFile);
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

    private static TrainingUploadReader.Upload upload(String file) throws IOException {
        Path path = Path.of(file);
        return new TrainingUploadReader.Upload(path.getFileName().toString(), Files.size(path),
                () -> Files.newInputStream(path));
    }
}
