package com.example.sentiment.model;

import com.example.sentiment.ml.HyperParameters;
import com.example.sentiment.ml.PretrainedEncoders;
import com.example.sentiment.ml.TextClassifier;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** The files of one version in a local directory: their checksums, their verification and their loading. */
final class VersionFiles {

    static final String METADATA_FILE = "metadata.json";
    // a recorded file name becomes a local path and an object key: no separators, no hidden or temporary names
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private VersionFiles() {
    }

    /** SHA-256 of every file the classifier wrote into {@code dir} (the metadata is written after). */
    static Map<String, String> checksums(Path dir) throws IOException {
        Map<String, String> checksums = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, Files::isRegularFile)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (!name.equals(METADATA_FILE) && validName(name)) {
                    checksums.put(name, sha256(file));
                }
            }
        }
        return checksums;
    }

    /**
     * Writes a version's further files into {@code dir}, after the classifier's; refuses a name that is no valid
     * file name or that the classifier wrote (it would replace one of its files).
     */
    static void writeFurther(Path dir, Map<String, byte[]> files) throws IOException {
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            if (!validName(file.getKey()) || Files.exists(dir.resolve(file.getKey()))) {
                throw new IllegalArgumentException("not a further file of a version: "
                        + com.example.sentiment.system.ProblemException.printable(file.getKey()));
            }
            Files.write(dir.resolve(file.getKey()), file.getValue());
        }
    }

    /** Refuses a name that is no valid file name or that the classifier writes (a further file cannot replace it). */
    static void requireFurtherName(String file) {
        if (!validName(file) || TextClassifier.FILES.contains(file)) {
            throw new IllegalArgumentException("not a further file of a version: "
                    + com.example.sentiment.system.ProblemException.printable(file));
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The bytes of a file recorded in {@code metadata}, checked against its checksum. */
    static byte[] verified(String id, ModelMetadata metadata, String file, byte[] bytes) throws IOException {
        if (!sha256(bytes).equals(metadata.checksums().get(file))) {
            throw ModelUnusableException.checksumMismatch(id, file);
        }
        return bytes;
    }

    static boolean validName(String file) {
        return FILE_NAME.matcher(file).matches() && !file.equals(METADATA_FILE);
    }

    /** What is wrong with a metadata file as read, or null when it names everything a load needs. */
    static String incomplete(ModelMetadata metadata) {
        if (metadata.labels() == null || metadata.hyperParameters() == null || metadata.checksums() == null
                || metadata.checksums().isEmpty()) {
            return METADATA_FILE + " is incomplete";
        }
        for (String file : metadata.checksums().keySet()) {
            if (!validName(file)) {
                return METADATA_FILE + " names a file that cannot be one of a version's: "
                        + com.example.sentiment.system.ProblemException.printable(file);
            }
        }
        return null;
    }

    /**
     * Checks every recorded file of {@code dir} against its checksum, then loads the classifier (a version
     * trained with an encoder against that encoder of {@code encoders}).
     */
    static TextClassifier verifyAndLoad(String id, Path dir, ModelMetadata metadata, PretrainedEncoders encoders)
            throws IOException {
        String problem = incomplete(metadata);
        if (problem != null) {
            throw new ModelUnusableException(problem);
        }
        for (Map.Entry<String, String> entry : metadata.checksums().entrySet()) {
            Path file = dir.resolve(entry.getKey());
            if (!Files.isRegularFile(file)) {
                throw new ModelUnusableException("file " + entry.getKey() + " is missing");
            }
            if (!sha256(file).equals(entry.getValue())) {
                throw ModelUnusableException.checksumMismatch(id, entry.getKey());
            }
        }
        try {
            HyperParameters hp = metadata.hyperParameters();
            // a version reads long texts as it was trained to (one saved before the setting: truncated)
            return TextClassifier.load(dir, hp.maxSequenceLength(), encoders)
                    .readingLongText(hp.longTextReading(), hp.longTextStride());
        } catch (IOException | RuntimeException e) {
            // the bytes are the ones recorded, so reading them again gives the same failure
            throw new ModelUnusableException("version " + id + " cannot be read as a model: " + e.getMessage(), e);
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (var walk = Files.walk(path)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
