package com.example.sentiment.training;

import com.example.sentiment.dataset.DatasetReader;
import com.example.sentiment.ml.EvaluationReport;
import com.example.sentiment.ml.LabelledTexts;
import com.example.sentiment.ml.TextClassifier;
import com.example.sentiment.model.ModelRepository;
import com.example.sentiment.system.CommandOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code java -jar sentiment-service.jar evaluate --model=ID --data=FILE [--record] [--sentiment.models-dir=DIR]}:
 * evaluates a stored version on a labelled file read like an upload, prints accuracy, macro-F1, per-label
 * figures and the confusion matrix as JSON, and with {@code --record} keeps them in the version's
 * {@code metadata.json} under {@code evaluations}, named by the file's name. A multi-label version is evaluated on
 * the label sets of the file ({@code a|b}, or {@code --labelSeparator=...}) with its own figures.
 */
public final class EvaluateCommand {

    private EvaluateCommand() {
    }

    public static int run(Class<?> application, String[] args) throws Exception {
        CommandOptions options = CommandOptions.parse(args, Set.of("model", "data", "record", "labelSeparator"));
        if (!options.has("model") || !options.has("data")) {
            System.err.println("usage: evaluate --model=ID --data=FILE [--record] [--sentiment.models-dir=DIR]");
            return 2;
        }
        try (ConfigurableApplicationContext context = options.startContext(application)) {
            ModelRepository store = context.getBean(ModelRepository.class);
            JsonMapper json = context.getBean(JsonMapper.class);
            String id = options.get("model");
            TextClassifier classifier = store.load(id);
            Path file = Path.of(options.get("data"));
            List<DatasetReader.Row> rows = DatasetReader.rows(file);
            if (classifier.multiLabel()) {
                return evaluateMultiLabel(store, json, id, classifier, file, rows, options);
            }
            int[] labels = new int[rows.size()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = classifier.labels().indexOf(rows.get(i).label());
                if (labels[i] < 0) {
                    System.err.println("line " + rows.get(i).line() + ": label '" + rows.get(i).label()
                            + "' is not one of the model's " + classifier.labels());
                    return 1;
                }
            }
            EvaluationReport report = classifier.evaluate(new LabelledTexts(
                    rows.stream().map(DatasetReader.Row::text).toList(), labels));
            if (options.has("record")) {
                store.recordEvaluation(id, file.getFileName().toString(), report);
            }
            System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(report));
            return 0;
        }
    }

    /**
     * A multi-label version on a file whose label column holds each text's labels joined by {@code |} (or
     * {@code --labelSeparator}), or whose JSON Lines rows give arrays of labels: micro- and macro-F1, Hamming
     * loss, subset accuracy and per-label figures at the version's thresholds.
     */
    private static int evaluateMultiLabel(ModelRepository store, JsonMapper json, String id, TextClassifier classifier,
                                          Path file, List<DatasetReader.Row> rows, CommandOptions options)
            throws Exception {
        String separator = options.has("labelSeparator") ? options.get("labelSeparator") : "|";
        List<java.util.Set<String>> sets = new java.util.ArrayList<>(rows.size());
        for (DatasetReader.Row row : rows) {
            java.util.Set<String> set = new java.util.TreeSet<>();
            for (String label : row.label().split(java.util.regex.Pattern.quote(separator), -1)) {
                if (label.isBlank()) {
                    continue;
                }
                if (!classifier.labels().contains(label.strip())) {
                    System.err.println("line " + row.line() + ": label '" + label.strip()
                            + "' is not one of the model's " + classifier.labels());
                    return 1;
                }
                set.add(label.strip());
            }
            sets.add(set);
        }
        EvaluationReport report = classifier.evaluateMultiLabel(rows.stream().map(DatasetReader.Row::text).toList(), sets);
        if (options.has("record")) {
            store.recordEvaluation(id, file.getFileName().toString(), report);
        }
        System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        return 0;
    }
}
