package com.example.sentiment.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.sentiment.drift.DriftReference;
import com.example.sentiment.ml.EvaluationReport;
import com.example.sentiment.system.StoredJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The seeds in {@code models/}: {@code active} names the bundled version a fresh data directory starts with, and
 * that version carries what the active model's features read (a calibration for precision targets and the model
 * view's reliability diagram, a drift reference, its figures on SST-2 dev), and is the most accurate of the
 * bundled versions that serve at word-vector speed (no encoder), as the README says it is chosen. The figures
 * are read from the versions' own metadata, so a rebuilt version of the same id is judged by its own.
 */
class BundledSeedsTest {

    private static final Path MODELS = Path.of("models");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String DEV = "dev.csv";

    @Test
    void theActiveSeedIsABundledVersionWithCalibrationDriftReferenceAndDevFigures() throws Exception {
        String active = Files.readString(MODELS.resolve("active")).trim();
        assertThat(versions()).contains(active);
        ModelMetadata metadata = metadata(active);
        assertThat(metadata.id()).isEqualTo(active);
        assertThat(metadata.calibration()).as("calibration of %s", active).isNotNull();
        assertThat(metadata.calibration().precisionCurve()).as("precision curve of %s", active).isNotNull();
        assertThat(metadata.calibration().temperature()).isPositive();
        assertThat(MODELS.resolve(active).resolve(DriftReference.FILE)).exists();
        assertThat(metadata.checksums()).as("a drift reference its checksums vouch for").containsKey(DriftReference.FILE);
        assertThat(metadata.evaluations()).as("figures on SST-2 dev").containsKey(DEV);
        assertThat(metadata.hyperParameters().usesEncoder()).as("served at word-vector speed").isFalse();
    }

    @Test
    void theActiveSeedIsTheMostAccurateBundledVersionWithoutAnEncoder() throws Exception {
        String active = Files.readString(MODELS.resolve("active")).trim();
        double activeAccuracy = metadata(active).evaluations().get(DEV).accuracy();
        List<String> compared = new ArrayList<>();
        for (String id : versions()) {
            ModelMetadata other = metadata(id);
            EvaluationReport dev = other.evaluations() == null ? null : other.evaluations().get(DEV);
            if (!other.hyperParameters().usesEncoder() && dev != null) {
                compared.add(id);
                assertThat(activeAccuracy).as("%s on %s against %s", active, DEV, id).isGreaterThanOrEqualTo(dev.accuracy());
            }
        }
        assertThat(compared).as("the first default is compared too").contains("20261129-130908-d56a");
    }

    @Test
    void everyBundledVersionIsCommittedAndDescribedAndTheReadmeNamesTheActiveOne() throws Exception {
        String gitignore = Files.readString(Path.of(".gitignore"));
        String modelsReadme = Files.readString(MODELS.resolve("README.md"));
        for (String id : versions()) {
            assertThat(gitignore).as("a fresh clone has %s", id).contains("!models/" + id + "/");
            assertThat(modelsReadme).as("models/README.md describes %s", id).contains("`" + id + "`");
        }
        String active = Files.readString(MODELS.resolve("active")).trim();
        assertThat(Files.readString(Path.of("README.md"))).as("README.md names the active model").contains("`" + active + "`");
    }

    private static List<String> versions() throws IOException {
        try (Stream<Path> entries = Files.list(MODELS)) {
            return entries.filter(p -> Files.isRegularFile(p.resolve("metadata.json")))
                    .map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static ModelMetadata metadata(String id) throws IOException {
        return StoredJson.readerFor(JSON, ModelMetadata.class).readValue(Files.readAllBytes(MODELS.resolve(id).resolve("metadata.json")));
    }
}
