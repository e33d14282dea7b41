package com.example.sentiment.training;

import com.example.sentiment.DaemonThreads;
import com.example.sentiment.dataset.PreparedDataset;
import com.example.sentiment.ml.Distillation;
import com.example.sentiment.ml.EncodedTexts;
import com.example.sentiment.ml.HyperParameters;
import com.example.sentiment.ml.Prediction;
import com.example.sentiment.ml.TextAugmentation;
import com.example.sentiment.ml.TextClassifier;
import com.example.sentiment.ml.TrainingObserver;
import com.example.sentiment.ml.Vocabulary;
import com.example.sentiment.ml.WordNeighbours;
import com.example.sentiment.ml.WordVectorTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data a student is distilled on (Tang et al. 2019): the job's training texts, then {@code augmentation}
 * augmented copies of each ({@link TextAugmentation}), every one with the teacher's probabilities as its target
 * (a training text's mixed with its true label, by {@code teacherWeight}); a vocabulary of all their words, so
 * that the words swapped in get vectors too; and the validation rows encoded with it, with their true labels
 * only, as every job validates. Every candidate of a search trains on the same targets.
 *
 * @param train the training texts first, in {@link PreparedDataset#train()}'s order, then the augmented ones,
 *              whose (hard) label is the teacher's most probable one
 * @param distillation the settings with the number of augmented texts and the labelling time
 */
record DistilledDataset(Vocabulary vocabulary, EncodedTexts train, EncodedTexts validation, Distillation distillation) {

    private static final Logger log = LoggerFactory.getLogger(DistilledDataset.class);

    /** Texts the teacher labels in one call; progress is reported and cancellation heard between calls. */
    static final int LABELLING_CHUNK = 1024;
    /** How many of the vectors file's most frequent words may be swapped in. */
    static final int NEIGHBOUR_CANDIDATES = 50_000;
    /** Neighbours a swap picks from, at random. */
    static final int NEIGHBOURS_PER_WORD = 10;

    /**
     * The upload's labels the teacher does not know: the teacher must know each of them (it may know more, whose
     * probabilities are left out), so that every target is a distribution over the upload's labels.
     */
    static List<String> unknownToTeacher(List<String> teacherLabels, List<String> uploadLabels) {
        return uploadLabels.stream().filter(l -> !teacherLabels.contains(l)).toList();
    }

    /**
     * Augments, labels and encodes {@code data}, which must hold its rows' tokens ({@link PreparedDataset#tokens()}).
     *
     * @param vectors the job's word vectors, whose neighbours are swapped in; null for no swaps
     * @param threads how many of the teacher's calls run at once (the teacher is safe to call from many threads)
     * @param cancelled polled between the teacher's calls
     * @return null when cancelled
     */
    static DistilledDataset build(PreparedDataset data, TextClassifier teacher, WordVectorTable vectors,
                                  Distillation settings, HyperParameters hp, int threads, TrainingObserver observer,
                                  BooleanSupplier cancelled) {
        PreparedDataset.RowTokens tokens = data.tokens();
        int originals = tokens.train().length;
        List<String[]> augmented = augment(tokens, vectors, settings.augmentation(), hp.seed());
        int total = originals + augmented.size();

        long start = System.nanoTime();
        float[][] taught = label(i -> i < originals ? tokens.text(tokens.train(), i)
                : Arrays.asList(augmented.get(i - originals)), total, teacher, data.labels(), threads,
                LABELLING_CHUNK, observer, cancelled);
        if (taught == null) {
            return null;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        log.info("Distillation: teacher {} labelled {} texts ({} augmented) in {} s ({} texts/s, {} threads)",
                settings.teacher(), total, augmented.size(), String.format("%.1f", seconds),
                String.format("%.0f", total / Math.max(seconds, 1e-9)), threads);

        Vocabulary vocabulary = vocabulary(tokens, augmented, hp);
        int[][] sequences = new int[total][];
        int[] labels = new int[total];
        float[][] targets = new float[total][];
        int[] trueLabels = data.train().labels();
        for (int i = 0; i < total; i++) {
            if (i < originals) {
                sequences[i] = vocabulary.encode(tokens.text(tokens.train(), i), hp.maxSequenceLength());
                labels[i] = trueLabels[i];
                targets[i] = mixed(taught[i], trueLabels[i], settings.teacherWeight());
            } else {
                sequences[i] = vocabulary.encode(Arrays.asList(augmented.get(i - originals)), hp.maxSequenceLength());
                labels[i] = mostProbable(taught[i]);
                targets[i] = taught[i];
            }
        }
        int[][] validation = new int[tokens.validation().length][];
        for (int i = 0; i < validation.length; i++) {
            validation[i] = vocabulary.encode(tokens.text(tokens.validation(), i), hp.maxSequenceLength());
        }
        return new DistilledDataset(vocabulary, new EncodedTexts(sequences, labels, targets),
                new EncodedTexts(validation, data.validation().labels()),
                settings.withOutcome(augmented.size(), seconds));
    }

    /**
     * The teacher's probabilities of the upload's labels for texts {@code 0 .. total - 1}, asked for
     * {@code chunk} texts at a time on {@code threads} threads. Labelling is most of a student's preparation
     * (about 2 ms a text on one core of an Intel Xeon here, 6 on an AMD EPYC's), and the chunks are independent,
     * so a job labels on every core it may use. Progress is reported in the texts' order and cancellation heard
     * between chunks (the chunks under way finish first); the probabilities do not depend on {@code threads},
     * since the chunks do not.
     *
     * @return null when cancelled
     */
    static float[][] label(IntFunction<List<String>> text, int total, TextClassifier teacher, List<String> labels,
                           int threads, int chunk, TrainingObserver observer, BooleanSupplier cancelled) {
        float[][] taught = new float[total][];
        observer.onLabelling(0, total);
        int chunks = (total + chunk - 1) / chunk;
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, chunks)),
                DaemonThreads.numbered("teacher-labelling-"));
        List<Future<?>> labelled = new ArrayList<>(chunks);
        try {
            for (int c = 0; c < chunks; c++) {
                int from = c * chunk;
                int to = Math.min(total, from + chunk);
                labelled.add(pool.submit(() -> {
                    if (stop.get()) {
                        return;
                    }
                    try {
                        List<List<String>> texts = new ArrayList<>(to - from);
                        for (int i = from; i < to; i++) {
                            texts.add(text.apply(i));
                        }
                        List<Prediction> predictions = teacher.classifyTokenized(texts);
                        for (int i = from; i < to; i++) {
                            taught[i] = restricted(predictions.get(i - from).scores(), labels);
                        }
                    } catch (RuntimeException | Error e) {
                        // the labelling cannot finish: no later chunk need start while the caller learns of it
                        stop.set(true);
                        throw e;
                    }
                }));
            }
            for (int c = 0; c < chunks; c++) {
                if (cancelled.getAsBoolean()) {
                    stopLabelling(stop, labelled);
                    return null;
                }
                try {
                    labelled.get(c).get();
                } catch (ExecutionException e) {
                    stopLabelling(stop, labelled);
                    throw e.getCause() instanceof RuntimeException runtime ? runtime
                            : new IllegalStateException("the teacher failed to label a text", e.getCause());
                }
                observer.onLabelling(Math.min(total, (c + 1) * chunk), total);
            }
            return taught;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop.set(true);
            return null;
        } finally {
            pool.shutdown();
        }
    }

    /**
     * Stops a labelling that will not finish: the chunks not yet started return at once, and those under way are
     * waited for, so that nothing calls the teacher once the job has stopped or failed.
     */
    private static void stopLabelling(AtomicBoolean stop, List<Future<?>> labelled) throws InterruptedException {
        stop.set(true);
        for (Future<?> left : labelled) {
            try {
                left.get();
            } catch (ExecutionException ignored) {
                // the labels of a stopped labelling are dropped, failed or not; the first failure is already known
            }
        }
    }

    /** {@code copies} augmented variants of each training text, in the order of the texts; deterministic per seed. */
    private static List<String[]> augment(PreparedDataset.RowTokens tokens, WordVectorTable vectors, int copies,
                                          long seed) {
        List<String[]> out = new ArrayList<>();
        if (copies == 0) {
            return out;
        }
        WordNeighbours neighbours = WordNeighbours.NONE;
        if (vectors != null) {
            long start = System.nanoTime();
            Set<String> words = new HashSet<>();
            for (int[] row : tokens.train()) {
                for (int word : row) {
                    words.add(tokens.words().get(word));
                }
            }
            neighbours = WordNeighbours.compute(vectors, words, NEIGHBOUR_CANDIDATES, NEIGHBOURS_PER_WORD);
            log.info("Distillation: nearest word-vector neighbours of {} of the {} training words in {} s",
                    neighbours.size(), words.size(), String.format("%.1f", (System.nanoTime() - start) / 1e9));
        }
        TextAugmentation augmentation = new TextAugmentation(neighbours);
        Random random = new Random(seed);
        for (int i = 0; i < tokens.train().length; i++) {
            for (List<String> copy : augmentation.copies(tokens.text(tokens.train(), i), copies, random)) {
                out.add(copy.toArray(String[]::new));
            }
        }
        return out;
    }

    /** The vocabulary of the training texts' and the augmented texts' words; a masked word is the unknown word. */
    private static Vocabulary vocabulary(PreparedDataset.RowTokens tokens, List<String[]> augmented,
                                         HyperParameters hp) {
        Map<String, Integer> counts = new HashMap<>();
        for (int[] row : tokens.train()) {
            for (int word : row) {
                counts.merge(tokens.words().get(word), 1, Integer::sum);
            }
        }
        for (String[] text : augmented) {
            for (String word : text) {
                if (!Vocabulary.UNKNOWN.equals(word)) {
                    counts.merge(word, 1, Integer::sum);
                }
            }
        }
        return Vocabulary.fromCounts(counts, hp.minWordFrequency(), hp.maxVocabularySize());
    }

    /**
     * The teacher's probabilities of the upload's labels, in the upload's label order, scaled to sum to 1 (a
     * teacher with more labels gives the others some); uniform if it gives them none at all.
     */
    static float[] restricted(Map<String, Double> scores, List<String> labels) {
        float[] out = new float[labels.size()];
        double sum = 0;
        for (int c = 0; c < out.length; c++) {
            out[c] = scores.getOrDefault(labels.get(c), 0.0).floatValue();
            sum += out[c];
        }
        for (int c = 0; c < out.length; c++) {
            out[c] = sum > 0 ? (float) (out[c] / sum) : 1f / out.length;
        }
        return out;
    }

    /** {@code weight} times the teacher's probabilities plus the rest on the true label. */
    static float[] mixed(float[] teacher, int label, double weight) {
        float[] out = new float[teacher.length];
        for (int c = 0; c < out.length; c++) {
            out[c] = (float) (weight * teacher[c] + (c == label ? 1 - weight : 0));
        }
        return out;
    }

    private static int mostProbable(float[] probabilities) {
        int best = 0;
        for (int c = 1; c < probabilities.length; c++) {
            if (probabilities[c] > probabilities[best]) {
                best = c;
            }
        }
        return best;
    }
}
