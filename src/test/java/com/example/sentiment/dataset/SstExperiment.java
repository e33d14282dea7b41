package com.example.sentiment.dataset;

import com.example.sentiment.ml.ClassifierTrainer;
import com.example.sentiment.ml.EpochMetrics;
import com.example.sentiment.ml.EvaluationReport;
import com.example.sentiment.ml.HyperParameters;
import com.example.sentiment.ml.LabelledTexts;
import com.example.sentiment.ml.TrainingObserver;
import com.example.sentiment.ml.TrainingResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** Manual experiment harness (not a test): trains on a CSV, evaluates on another, prints figures. */
public final class SstExperiment {

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            a.put(kv[0], kv[1]);
        }
        if (a.containsKey("threads")) {
            com.example.sentiment.ml.ComputeThreads.limit(Integer.parseInt(a.get("threads")));
        }
        Path train = Path.of(a.getOrDefault("train", "../shared/datasets/sst2/train.csv"));
        Path dev = Path.of(a.getOrDefault("dev", "../shared/datasets/sst2/dev.csv"));
        HyperParameters hp = new HyperParameters(
                Integer.parseInt(a.getOrDefault("epochs", "10")), Integer.parseInt(a.getOrDefault("batch", "64")),
                Double.parseDouble(a.getOrDefault("lr", "0.002")), Integer.parseInt(a.getOrDefault("emb", "100")),
                Integer.parseInt(a.getOrDefault("units", "128")), Boolean.parseBoolean(a.getOrDefault("bi", "false")),
                Double.parseDouble(a.getOrDefault("dropout", "0.5")), Double.parseDouble(a.getOrDefault("embdrop", "0")),
                Integer.parseInt(a.getOrDefault("maxlen", "100")),
                Integer.parseInt(a.getOrDefault("minfreq", "1")), 50000, 42, Integer.parseInt(a.getOrDefault("patience", "2")),
                HyperParameters.Pooling.ofSetting(a.getOrDefault("pooling", "last")), a.get("vectors") == null ? null : "v", Boolean.parseBoolean(a.getOrDefault("freeze", "false")),
                HyperParameters.Engine.valueOf(a.getOrDefault("engine", "FUSED")),
                HyperParameters.SelectionMetric.ofSetting(a.getOrDefault("select", "macroF1")),
                Double.parseDouble(a.getOrDefault("spatial", "0")), Double.parseDouble(a.getOrDefault("wd", "0")),
                Integer.parseInt(a.getOrDefault("finetune", "0")), Integer.parseInt(a.getOrDefault("ensemble", "1")),
                HyperParameters.ClassWeights.NONE, a.get("encoder"));
        // encoder=e5-small|minilm-l6: the LSTM reads that bundled encoder's states (computed once, before epoch 1)
        // encoders=DIR adds the encoders of that folder (<name>/model.onnx + tokenizer.json), as sentiment.encoders.directory
        com.example.sentiment.ml.EncoderCatalogue encoders = new com.example.sentiment.ml.EncoderCatalogue(
                a.containsKey("encoders") ? Path.of(a.get("encoders")) : null);
        DatasetParser parser = new DatasetParser(JsonMapper.builder().build(), 2_000_000);
        List<DatasetReader.Row> rows = parser.parse("data", Files.readAllBytes(train), train.toString(), "text", "label").rows();
        if (a.containsKey("limit")) {
            rows = rows.subList(0, Integer.parseInt(a.get("limit")));
        }
        List<String> labels = rows.stream().map(DatasetReader.Row::label).distinct().sorted().toList();
        if (a.containsKey("folds")) {
            crossValidated(texts(rows, labels), labels, hp, encoders, a, args);
            return;
        }
        List<DatasetReader.Row> devRows = parser.parse("dev", Files.readAllBytes(dev), dev.toString(), "text", "label").rows();
        // earlystop=dev: the dev set drives early stopping (and each epoch's line shows its dev accuracy)
        boolean stopOnDev = "dev".equals(a.get("earlystop"));
        LabelledTexts all = texts(rows, labels);
        LabelledTexts devTexts = texts(devRows, labels);
        LabelledTexts trainTexts = all;
        LabelledTexts validationTexts = devTexts;
        if (!stopOnDev) {
            int[][] split = PreparedDataset.stratifiedSplit(all.labels(), labels.size(), 0.1, 42);
            trainTexts = subset(all, split[0]);
            validationTexts = subset(all, split[1]);
        }
        System.out.println("hp=" + hp + " train=" + trainTexts.size() + " val=" + validationTexts.size());
        long start = System.nanoTime();
        if (a.containsKey("joined")) {
            // joined=<vectors file>: the encoder's states joined with each piece's word vector (issue 25)
            com.example.sentiment.ml.JoinedInputTraining.Outcome joined = com.example.sentiment.ml.JoinedInputTraining.train(
                    encoders, trainTexts, validationTexts, devTexts, labels, hp,
                    com.example.sentiment.ml.WordVectorTable.open(Path.of(a.get("joined"))), printing(start));
            TrainingResult result = joined.result();
            EvaluationReport report = joined.dev();
            System.out.printf("words with a vector: %d of %d%n", joined.coveredWords(), joined.distinctWords());
            System.out.printf("RESULT dev accuracy %.4f macroF1 %.4f bestEpoch %d seconds %.0f ex/s %.0f tok/s %.0f wall %.0f | %s%n",
                    report.accuracy(), report.macroF1(), result.bestEpoch(), result.trainingSeconds(),
                    result.examplesPerSecond(), result.tokensPerSecond(), (System.nanoTime() - start) / 1e9,
                    String.join(" ", args));
            return;
        }
        TrainingResult result = new ClassifierTrainer(1, encoders, () -> Runtime.getRuntime().maxMemory() / 4).train(trainTexts, validationTexts, labels, hp, a.get("vectors") == null ? null : com.example.sentiment.ml.WordVectorTable.open(Path.of(a.get("vectors"))),
                printing(start), () -> false);
        EvaluationReport report = result.classifier().evaluate(devTexts);
        System.out.printf("final model on validation: %.4f%n", result.evaluation().accuracy());
        if (Boolean.parseBoolean(a.getOrDefault("calibrate", "false"))) {
            // temperature and precision curve fitted on the validation split, measured on dev
            com.example.sentiment.ml.TextClassifier c = result.classifier();
            System.out.println(com.example.sentiment.ml.CalibrationExperiment.figures(
                    com.example.sentiment.ml.CalibrationExperiment.probabilities(c, c.classify(validationTexts.texts())),
                    validationTexts.labels(),
                    com.example.sentiment.ml.CalibrationExperiment.probabilities(c, c.classify(devTexts.texts())),
                    devTexts.labels(), Double.parseDouble(a.getOrDefault("target", "0.95"))));
        }
        System.out.printf("RESULT dev accuracy %.4f macroF1 %.4f bestEpoch %d seconds %.0f ex/s %.0f tok/s %.0f | %s%n",
                report.accuracy(), report.macroF1(), result.bestEpoch(), result.trainingSeconds(),
                result.examplesPerSecond(), result.tokensPerSecond(), String.join(" ", args));
    }

    /**
     * {@code folds=K [only=0,3,...]}: calibration measured by stratified K-fold cross-validation of the training
     * file ({@code dev=} is not read). For each fold, a model trains on the other folds as a job would (its
     * stratified 10% validation split held out for stopping), the temperature is fitted on that validation
     * split, and the fold's texts are scored; the figures pool every held-out text, each scored once by a model
     * and a calibration that never saw it. {@code only=} runs some of the folds (the same split).
     */
    private static void crossValidated(LabelledTexts all, List<String> labels, HyperParameters hp,
                                       com.example.sentiment.ml.EncoderCatalogue encoders, Map<String, String> a,
                                       String[] args) throws Exception {
        int k = Integer.parseInt(a.get("folds"));
        double target = Double.parseDouble(a.getOrDefault("target", "0.95"));
        int[][] folds = com.example.sentiment.ml.CalibrationExperiment.stratifiedFolds(all.labels(), labels.size(), k,
                Long.parseLong(a.getOrDefault("foldseed", "42")));
        List<Integer> chosen = a.containsKey("only")
                ? java.util.Arrays.stream(a.get("only").split(",")).map(Integer::valueOf).toList()
                : java.util.stream.IntStream.range(0, k).boxed().toList();
        com.example.sentiment.ml.HeldOutPredictions pooled = new com.example.sentiment.ml.HeldOutPredictions(all.size());
        System.out.println("hp=" + hp + " texts=" + all.size() + " folds=" + k + " running " + chosen);
        long start = System.nanoTime();
        for (int f : chosen) {
            boolean[] held = new boolean[all.size()];
            for (int row : folds[f]) {
                held[row] = true;
            }
            LabelledTexts rest = subset(all, java.util.stream.IntStream.range(0, all.size()).filter(r -> !held[r]).toArray());
            LabelledTexts heldOut = subset(all, folds[f]);
            int[][] split = PreparedDataset.stratifiedSplit(rest.labels(), labels.size(), 0.1, 42);
            LabelledTexts trainTexts = subset(rest, split[0]);
            LabelledTexts validationTexts = subset(rest, split[1]);
            TrainingResult result = new ClassifierTrainer(1, encoders, () -> Runtime.getRuntime().maxMemory() / 4).train(
                    trainTexts, validationTexts, labels, hp, null, printing(start), () -> false);
            com.example.sentiment.ml.TextClassifier c = result.classifier();
            double[][] validation = com.example.sentiment.ml.CalibrationExperiment.probabilities(c, c.classify(validationTexts.texts()));
            double[][] scored = com.example.sentiment.ml.CalibrationExperiment.probabilities(c, c.classify(heldOut.texts()));
            com.example.sentiment.ml.Calibration calibration = com.example.sentiment.ml.Calibration.fit(validation, validationTexts.labels());
            pooled.add(folds[f], scored, heldOut.labels(), calibration, target);
            System.out.printf("FOLD %d: train %d, validation %d, held out %d; best epoch %d, %.0f s; T=%.3f%n", f,
                    trainTexts.size(), validationTexts.size(), heldOut.size(), result.bestEpoch(),
                    result.trainingSeconds(), calibration.temperature());
            // the fold alone, as run 107 measured its one split
            System.out.println("FOLD " + f + " " + com.example.sentiment.ml.CalibrationExperiment.figures(
                    validation, validationTexts.labels(), scored, heldOut.labels(), target).replace("\n", "\nFOLD " + f + " "));
        }
        System.out.println("POOLED over " + pooled.count() + " held-out texts of " + chosen.size() + " folds (t="
                + Math.round((System.nanoTime() - start) / 1e9) + "s) | " + String.join(" ", args));
        System.out.println(pooled.figures(target));
    }

    /** Prints encoding, every 200th batch and every epoch, with the seconds since {@code start}. */
    private static TrainingObserver printing(long start) {
        return new TrainingObserver() {
            @Override
            public void onEncoding(int done, int total) {
                if (done == total) {
                    System.out.printf("encoded %d texts t=%.0fs%n", total, (System.nanoTime() - start) / 1e9);
                }
            }

            @Override
            public void onBatch(int epoch, int batch, int totalBatches, double loss) {
                if (batch % 200 == 0) {
                    System.out.printf("epoch %d batch %d/%d loss %.4f t=%.0fs%n", epoch, batch, totalBatches,
                            loss, (System.nanoTime() - start) / 1e9);
                }
            }

            @Override
            public void onEpoch(EpochMetrics m) {
                System.out.println("EPOCH " + m);
            }
        };
    }

    private static LabelledTexts texts(List<DatasetReader.Row> rows, List<String> labels) {
        return new LabelledTexts(rows.stream().map(DatasetReader.Row::text).toList(),
                rows.stream().mapToInt(r -> labels.indexOf(r.label())).toArray());
    }

    private static LabelledTexts subset(LabelledTexts all, int[] which) {
        List<String> texts = new java.util.ArrayList<>();
        int[] labels = new int[which.length];
        for (int i = 0; i < which.length; i++) {
            texts.add(all.texts().get(which[i]));
            labels[i] = all.labels()[which[i]];
        }
        return new LabelledTexts(texts, labels);
    }
}
