package com.example.sentiment.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.sentiment.TestProperties;
import com.example.sentiment.system.BadRequestException;
import com.example.sentiment.system.ProblemException;
import com.example.sentiment.system.ProblemTypes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.json.JsonMapper;

/** What a client is answered when a correction cannot be stored: a problem, never a 500 with a path in it. */
class FeedbackServiceTest {

    @TempDir
    Path data;

    private final JsonMapper json = JsonMapper.builder().findAndAddModules().build();

    private FeedbackService service(FileSystemFeedbackStore.Disk disk, Map<String, String> settings) {
        Map<String, String> all = new java.util.HashMap<>(settings);
        all.put("sentiment.models-dir", data.toString());
        var properties = TestProperties.of(all);
        // a correction with newLabel and no model id does not look at the models
        return new FeedbackService(new FileSystemFeedbackStore(properties, json, disk), null, properties);
    }

    private static FeedbackService.Correction correction(String text) {
        return new FeedbackService.Correction(text, "positive", null, null, true);
    }

    @Test
    void aFullDiskIsA503WithAStableMessageAndNoPath() {
        FeedbackService service = service(new FileSystemFeedbackStore.Disk() {
            @Override
            public void write(Path file, byte[] bytes) throws IOException {
                throw new IOException(file + ": No space left on device");
            }

            @Override
            public byte[] read(Path file) throws IOException {
                throw new IOException("not expected");
            }
        }, Map.of());
        assertThatThrownBy(() -> service.add(correction("Not bad at all")))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
                    assertThat(e.type()).isEqualTo(ProblemTypes.uri("feedback-store-unavailable"));
                    assertThat(e.getMessage()).isEqualTo("The correction could not be stored right now; nothing was "
                            + "stored. Try again later.").doesNotContain(data.toString());
                });
    }

    @Test
    void aFullStoreIsA413ThatNamesTheSetting() throws Exception {
        FeedbackService service = service(FileSystemFeedbackStore.REAL_DISK, Map.of("sentiment.feedback.max-entries", "1"));
        service.add(correction("first"));
        assertThatThrownBy(() -> service.add(correction("second")))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.status()).isEqualTo(HttpStatus.CONTENT_TOO_LARGE);
                    assertThat(e.type()).isEqualTo(ProblemTypes.uri("feedback-store-full"));
                    assertThat(e.getMessage()).contains("sentiment.feedback.max-entries");
                });
    }

    @Test
    void whatNoBackendCanStoreIsA400OnTheField() {
        FeedbackService service = service(FileSystemFeedbackStore.REAL_DISK, Map.of());
        for (var bad : List.of(Map.entry("text", correction("nul \u0000 here")),
                Map.entry("text", correction("half \uDC00 a pair")),
                Map.entry("label", new FeedbackService.Correction("fine", "pos\u0000", null, null, true)),
                Map.entry("predictedLabel", new FeedbackService.Correction("fine", "positive", null, "\u0000", true)))) {
            assertThatThrownBy(() -> service.add(bad.getValue())).as(bad.getKey())
                    .isInstanceOfSatisfying(BadRequestException.class, e -> {
                        assertThat(e.status()).isEqualTo(HttpStatus.BAD_REQUEST);
                        assertThat(e.properties().toString()).contains("field=" + bad.getKey());
                    });
        }
    }
}
