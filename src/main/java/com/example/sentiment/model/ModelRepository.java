package com.example.sentiment.model;

import com.example.sentiment.ml.Calibration;
import com.example.sentiment.ml.EvaluationReport;
import com.example.sentiment.ml.TextClassifier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where model versions are kept (a port). A version is immutable: its files are written first and its
 * {@code metadata.json}, with the SHA-256 of every file, last; a version without metadata does not exist.
 * Readers verify the checksums before they load. Only the metadata may change afterwards (evaluations, the
 * abstention threshold), replaced as a whole, and the further files beside the classifier's, each with its checksum
 * ({@link #replaceFurtherFile}).
 *
 * <p>Adapters, chosen by {@code sentiment.storage.type}: {@code filesystem} ({@link FileSystemModelRepository},
 * the embedded default) and {@code s3} ({@link S3ModelRepository}). Which version serves is not kept here but
 * by the {@link ActiveVersionPointer}.
 *
 * <p>An {@link IOException} is a storage failure the caller may retry; {@link ModelUnusableException} (also an
 * {@code IOException}) says the version itself is broken and a retry reads the same bytes.
 */
public interface ModelRepository {

    /**
     * Where the versions are and what a health check should say about the storage, known without a call to a
     * remote server (so that a health check never waits on one).
     *
     * @param description such as the directory or {@code s3://bucket/prefix at http://host:port}
     * @param localDirectory the local directory the adapter writes to (the versions themselves, or the cache
     *                       of downloaded ones), whose free space the health check watches
     * @param versions versions known to this process, usable or not
     * @param unusableVersions of which cannot be loaded
     * @param problem the last storage failure when the last call failed, else null
     */
    record Location(String description, Path localDirectory, int versions, long unusableVersions, String problem) {
    }

    /** Every version, newest first, usable or not. */
    List<StoredModel> list() throws IOException;

    /** The version with this id; empty when there is none (or the id cannot be a version id). */
    Optional<StoredModel> find(String id) throws IOException;

    /**
     * Writes a new version and returns its metadata with the id and the checksums. The id is
     * {@code metadata.id()} when set, else a new one. Nothing of a write that fails is visible.
     *
     * @throws ModelConflictException when {@code metadata.id()} names a version that exists
     */
    default ModelMetadata save(TextClassifier classifier, ModelMetadata metadata) throws IOException {
        return save(classifier, metadata, Map.of());
    }

    /**
     * The same with further files of the version beside the classifier's (such as drift's reference profile):
     * stored, checksummed and verified like them, and immutable like them.
     *
     * @param files by file name; a name must be a valid file name ({@link VersionFiles#validName}) and not one
     *              the classifier writes
     */
    ModelMetadata save(TextClassifier classifier, ModelMetadata metadata, Map<String, byte[]> files) throws IOException;

    /**
     * One file of a version as stored, checked against its recorded checksum; empty when the version does not
     * record a file of that name (such as a version from before the file existed).
     *
     * @throws ModelNotFoundException when there is no such version
     * @throws ModelUnusableException when the file does not match its checksum
     */
    Optional<byte[]> readFile(String id, String file) throws IOException;

    /**
     * Loads a version's classifier after checking every file against its recorded checksum.
     *
     * @throws ModelNotFoundException when there is no such version
     * @throws ModelUnusableException when a file is missing, does not match its checksum or is no model
     */
    TextClassifier load(String id) throws IOException;

    /** Adds the figures on one more labelled file to a version's metadata. */
    ModelMetadata recordEvaluation(String id, String file, EvaluationReport report) throws IOException;

    /** Sets a version's default abstention threshold (null for none) in its metadata. */
    ModelMetadata recordMinConfidence(String id, Double threshold) throws IOException;

    /** Sets a version's calibration (temperature, precision curve and abstention defaults) in its metadata. */
    ModelMetadata recordCalibration(String id, Calibration calibration) throws IOException;

    /**
     * Replaces one of a version's further files (those {@link #save(TextClassifier, ModelMetadata, Map)} stores
     * beside the classifier's, such as drift's reference profile), or adds one, and records its checksum in the
     * metadata: the bytes first, the metadata last, so that every checksum keeps vouching for its file. This and the
     * metadata are all that may change in a version; the classifier's own files never do.
     *
     * @throws ModelNotFoundException when there is no such usable version
     * @throws IllegalArgumentException when {@code file} is no valid file name or is one of the classifier's
     */
    ModelMetadata replaceFurtherFile(String id, String file, byte[] bytes) throws IOException;

    /** Removes a version: it disappears from the listing at once, its files right after. */
    void delete(String id) throws IOException;

    /** Records, in this process, that a version cannot be loaded, so that listings show it unusable. */
    void markUnusable(String id, String reason);

    Location location();
}
