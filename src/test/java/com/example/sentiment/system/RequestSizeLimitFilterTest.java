package com.example.sentiment.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.sentiment.FullContext;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Body limits hold however the body is sent: a 300 MB body streamed with {@code Transfer-Encoding: chunked}
 * (no {@code Content-Length} to check up front), JSON or multipart, is answered 413 problem+json after the
 * server has read little more than the limit, so the client cannot send the rest. Bodies are generated as they
 * are written, over a real socket, so nothing here holds 300 MB either.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "sentiment.classify.max-request-size=64KB",
    "spring.servlet.multipart.max-file-size=256KB",
    "spring.servlet.multipart.max-request-size=512KB"})
class RequestSizeLimitFilterTest extends FullContext {

    /** Far more than the limits above, and than this test may let the server read. */
    static final long HUGE = 300L * 1024 * 1024;
    /** What "stopped reading early" allows: the limit, Tomcat's swallowing of 2 MB and socket buffers. */
    static final long READ_AT_MOST = 32L * 1024 * 1024;
    static final String BOUNDARY = "limit-test-boundary";

    @LocalServerPort
    int port;

    @Test
    @Timeout(120)
    void aChunkedJsonBodyOverTheLimitIs413AndTheRestIsNeverRead() throws Exception {
        RawHttp.Streamed streamed = RawHttp.streamChunked(port, head("/api/v1/classify/batch", "application/json"),
                bytes("{\"texts\":[\""), HUGE);

        assertThat(streamed.answer().status()).as(streamed.answer().body()).isEqualTo(413);
        assertThat(streamed.answer().contentType()).startsWith("application/problem+json");
        assertThat(streamed.answer().body()).contains("payload-too-large", "sentiment.classify.max-request-size")
                .doesNotContain("Exception");
        assertThat(streamed.bytesSent()).as("body bytes the server let the client send").isLessThan(READ_AT_MOST);
    }

    @Test
    @Timeout(120)
    void aChunkedOpenInferenceBodyOverTheLimitIs413InTheProtocolsForm() throws Exception {
        RawHttp.Streamed streamed = RawHttp.streamChunked(port, head("/v2/models/sentiment/infer", "application/json"),
                bytes("{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\""), HUGE);

        assertThat(streamed.answer().status()).as(streamed.answer().body()).isEqualTo(413);
        assertThat(streamed.answer().contentType()).startsWith("application/json");
        assertThat(streamed.answer().body()).startsWith("{\"error\":").contains("max-request-size")
                .doesNotContain("Exception");
        assertThat(streamed.bytesSent()).isLessThan(READ_AT_MOST);
    }

    @Test
    @Timeout(120)
    void aChunkedUploadOverTheFileLimitIs413BeforeItIsSpooledInFull() throws Exception {
        RawHttp.Streamed streamed = RawHttp.streamChunked(port, head("/api/v1/training-jobs",
                "multipart/form-data; boundary=" + BOUNDARY), bytes("--" + BOUNDARY + "\r\n"
                + "Content-Disposition: form-data; name=\"data\"; filename=\"big.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\ntext,label\n"), HUGE);

        assertThat(streamed.answer().status()).as(streamed.answer().body()).isEqualTo(413);
        assertThat(streamed.answer().contentType()).startsWith("application/problem+json");
        assertThat(streamed.answer().body()).contains("payload-too-large").doesNotContain("Exception");
        assertThat(streamed.bytesSent()).isLessThan(READ_AT_MOST);
    }

    @Test
    @Timeout(120)
    void aChunkedConfigFieldOverTheLimitIs413() throws Exception {
        RawHttp.Streamed streamed = RawHttp.streamChunked(port, head("/api/v1/training-jobs",
                "multipart/form-data; boundary=" + BOUNDARY), bytes("--" + BOUNDARY + "\r\n"
                + "Content-Disposition: form-data; name=\"config\"\r\n\r\n{\"name\":\""), HUGE);

        assertThat(streamed.answer().status()).as(streamed.answer().body()).isEqualTo(413);
        assertThat(streamed.answer().contentType()).startsWith("application/problem+json");
        assertThat(streamed.answer().body()).contains("payload-too-large").doesNotContain("Exception");
        assertThat(streamed.bytesSent()).isLessThan(READ_AT_MOST);
    }

    static String head(String path, String contentType) {
        return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + contentType;
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
