package com.example.sentiment;

import com.example.sentiment.benchmark.BenchmarkCommands;
import com.example.sentiment.ml.ModelDeserializationFilter;
import com.example.sentiment.model.ImportModelCommand;
import com.example.sentiment.training.EvaluateCommand;
import com.example.sentiment.training.TrainCommand;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Self-hosted text classification: train LSTM classifiers on your own labelled text, classify over HTTP.
 * With {@code train} as first argument it trains one model without starting the web server, with
 * {@code evaluate} it evaluates a stored version on a labelled file, with {@code import-model} it copies versions
 * of a models folder into the configured repository; with
 * {@code bench-model}, {@code bench-encoders} or {@code bench-http} it runs a benchmark ({@link BenchmarkCommands}).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SentimentApplication {

    public static void main(String[] args) throws Exception {
        // before anything deserializes: model files are read through this filter (issue 24, item 5)
        ModelDeserializationFilter.install();
        if (args.length > 0 && args[0].equals("train")) {
            System.exit(TrainCommand.run(SentimentApplication.class, Arrays.copyOfRange(args, 1, args.length)));
        }
        if (args.length > 0 && args[0].equals("evaluate")) {
            System.exit(EvaluateCommand.run(SentimentApplication.class, Arrays.copyOfRange(args, 1, args.length)));
        }
        if (args.length > 0 && args[0].equals("import-model")) {
            System.exit(ImportModelCommand.run(SentimentApplication.class, Arrays.copyOfRange(args, 1, args.length)));
        }
        if (args.length > 0 && args[0].startsWith("bench-")) {
            System.exit(BenchmarkCommands.run(args[0], Arrays.copyOfRange(args, 1, args.length)));
        }
        SpringApplication.run(SentimentApplication.class, args);
    }
}
