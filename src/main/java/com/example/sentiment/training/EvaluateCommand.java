package com.example.sentiment.training;

import com.example.sentiment.dataset.DatasetReader;
import com.example.sentiment.drift.DriftReference;
import com.example.sentiment.ml.Calibration;
import com.example.sentiment.ml.EvaluationReport;
import com.example.sentiment.ml.LabelledTexts;
import com.example.sentiment.ml.Prediction;
import com.example.sentiment.ml.TextClassifier;
import com.example.sentiment.model.ModelRepository;
import com.example.sentiment.system.CommandOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code java -jar sentiment-service.jar evaluate --model=ID --data=FILE [--record] [--calibrate
 * [--target-precision=X] [--ambiguity-margin=X]] [--drift-reference] [--sentiment.models-dir=DIR]}:
 * evaluates a stored version on a labelled file read like an upload, prints accuracy, macro-F1, per-label
 * figures and the confusion matrix as JSON, and with {@code --record} keeps them in the version's
 * {@code metadata.json} under {@code evaluations}, named by the file's name. With {@code --calibrate} the file is
 * validation data instead: the version's temperature and precision curve are fitted on it (a version trained before
 * calibration existed, such as a bundled one, gets one without retraining) and stored in its metadata, with the
 * version's default precision target and ambiguity margin when given (else the ones it had). With
 * {@code --drift-reference} the file's texts are the traffic the version is meant for: its drift reference
 * ({@link DriftReference}) is rebuilt from them as the version serves them (scaled by its calibration, the one just
 * fitted when {@code --calibrate} is given too) and replaces the version's file, checksum and all; the labels are
 * not read. A multi-label version
 * is evaluated on the label sets of the file ({@code a|b}, or {@code --labelSeparator=...}) with its own figures.
 */
public final class EvaluateCommand {

    private EvaluateCommand() {
    }

    public static int run(Class<?> application, String[] args) throws Exception {
        CommandOptions options = CommandOptions.parse(args, Set.of("model", "data", "record", "calibrate", "target-precision",
                "ambiguity-margin", "labelSeparator", "drift-reference"));
        if (!options.has("model") || !options.has("data")) {
            System.err.println("usage: evaluate --model=ID --data=FILE [--record] [--calibrate [--target-precision=X] "
                        + "[--ambiguity-margin=X]] [--drift-reference] [--sentiment.models-dir=DIR]");
            return 2;
        }
        try (ConfigurableApplicationContext context = options.startContext(application)) {
            ModelRepository store = context.getBean(ModelRepository.class);
            JsonMapper json = context.getBean(JsonMapper.class);
            String id = options.get("model");
            TextClassifier classifier = store.load(id);
            Path file = Path.of(options.get("data"));
            List<DatasetReader.Row> rows = DatasetReader.rows(file);
            List<String> texts = rows.stream().map(DatasetReader.Row::text).toList();
            boolean calibrate = options.has("calibrate") && !classifier.multiLabel();
            if (options.has("drift-reference") && !calibrate) {
                return driftReference(store, id, classifier, classifier.classify(texts));
            }
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
            if (calibrate) {
                // the model reads the texts once, for the calibration and for the drift reference
                List<Prediction> raw = classifier.classify(texts);
                int code = calibrate(store, json, id, classifier, raw, labels, options);
                return code != 0 || !options.has("drift-reference") ? code : driftReference(store, id, classifier, raw);
            }
            EvaluationReport report = classifier.evaluate(new LabelledTexts(texts, labels));
            if (options.has("record")) {
                store.recordEvaluation(id, file.getFileName().toString(), report);
            }
            System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(report));
            return 0;
        }
    }

    /**
     * Fits the calibration on the file and stores it.
     *
     * @param raw the classifier's answers on the file's texts (as loaded, it answers its raw probabilities)
     */
    private static int calibrate(ModelRepository store, JsonMapper json, String id, TextClassifier classifier,
                                 List<Prediction> raw, int[] labels, CommandOptions options) throws java.io.IOException {
        Calibration before = store.find(id).map(m -> m.metadata().calibration()).orElse(null);
        Double target = fraction(options, "target-precision", before == null ? null : before.targetPrecision());
        Double margin = fraction(options, "ambiguity-margin", before == null ? null : before.ambiguityMargin());
        if (target != null && Double.isNaN(target) || margin != null && Double.isNaN(margin)) {
            System.err.println("--target-precision and --ambiguity-margin must be numbers between 0 and 1 (exclusive)");
            return 2;
        }
        Calibration calibration = Calibration.fit(classifier.labels(), raw, labels).withDefaults(target, margin);
        store.recordCalibration(id, calibration);
        System.out.printf("temperature %.4f, ECE %.4f -> %.4f on %d texts%n", calibration.temperature(),
                calibration.eceBefore(), calibration.eceAfter(), calibration.examples());
        if (calibration.targetThreshold() != null) {
            System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(calibration.targetThreshold()));
        }
        return 0;
    }

    /**
     * Replaces the version's drift reference with the profile of these answers as the version serves them: scaled
     * by the calibration its metadata records now (live traffic is counted calibrated).
     *
     * @param raw the classifier's answers on the file's texts, at temperature 1
     */
    private static int driftReference(ModelRepository store, String id, TextClassifier classifier,
                                      List<Prediction> raw) throws java.io.IOException {
        Calibration calibration = store.find(id).map(m -> m.metadata().calibration()).orElse(null);
        List<Prediction> served = calibration == null ? raw : raw.stream().map(calibration::applyTo).toList();
        for (Map.Entry<String, byte[]> file : DriftReference.files(classifier.labels(), served).entrySet()) {
            store.replaceFurtherFile(id, file.getKey(), file.getValue());
        }
        System.out.printf("drift reference of %s rebuilt from %d texts, as served (temperature %.4f)%n", id,
                served.size(), calibration == null ? 1.0 : calibration.temperature());
        return 0;
    }

    /** The option's value as a number in (0, 1); NaN when it is not one; {@code otherwise} when absent. */
    private static Double fraction(CommandOptions options, String name, Double otherwise) {
        if (!options.has(name)) {
            return otherwise;
        }
        try {
            double x = Double.parseDouble(options.get(name));
            return x > 0 && x < 1 ? x : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
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
