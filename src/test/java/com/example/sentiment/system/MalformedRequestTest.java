package com.example.sentiment.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.sentiment.FullContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.tomcat.util.http.fileupload.FileUploadException;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.multipart.MultipartException;

/**
 * A multipart body or a query string that cannot be parsed is the client's mistake: 400 problem+json from the
 * one exception handler, never a 500. Sent over a real socket, byte for byte, because MockMvc parses neither
 * the way Tomcat does, and HTTP client libraries will not write a broken body.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "sentiment.classify.max-request-size=64KB",
    "spring.servlet.multipart.max-file-size=256KB",
    "spring.servlet.multipart.max-request-size=512KB"})
class MalformedRequestTest extends FullContext {

    static final String BOUNDARY = "good-boundary";
    static final String CSV = "text,label\ngood film,positive\nbad film,negative\n";

    @LocalServerPort
    int port;

    @Test
    void everyMalformedMultipartBodyIsA400Problem() throws Exception {
        String part = "Content-Disposition: form-data; name=\"data\"; filename=\"d.csv\"\r\nContent-Type: text/csv\r\n\r\n" + CSV;
        Map<String, String[]> cases = new LinkedHashMap<>();
        cases.put("a boundary other than the header's", new String[] {"multipart/form-data; boundary=" + BOUNDARY,
            "--other-boundary\r\n" + part + "\r\n--other-boundary--\r\n"});
        cases.put("a body cut off inside a part", new String[] {"multipart/form-data; boundary=" + BOUNDARY,
            "--" + BOUNDARY + "\r\n" + part.substring(0, part.length() - 10)});
        cases.put("a body cut off inside the part's headers", new String[] {"multipart/form-data; boundary=" + BOUNDARY,
            "--" + BOUNDARY + "\r\nContent-Disposition: form-da"});
        cases.put("no boundary in the content type", new String[] {"multipart/form-data",
            "--" + BOUNDARY + "\r\n" + part + "\r\n--" + BOUNDARY + "--\r\n"});
        cases.put("an empty boundary", new String[] {"multipart/form-data; boundary=",
            "--\r\n" + part + "\r\n----\r\n"});
        cases.put("a part without a name", new String[] {"multipart/form-data; boundary=" + BOUNDARY,
            "--" + BOUNDARY + "\r\nContent-Disposition: form-data; filename=\"d.csv\"\r\n\r\n" + CSV + "\r\n--" + BOUNDARY + "--\r\n"});
        cases.put("a part without headers", new String[] {"multipart/form-data; boundary=" + BOUNDARY,
            "--" + BOUNDARY + "\r\n\r\n" + CSV + "\r\n--" + BOUNDARY + "--\r\n"});
        cases.put("an empty body", new String[] {"multipart/form-data; boundary=" + BOUNDARY, ""});
        cases.put("a body that is not multipart", new String[] {"multipart/form-data; boundary=" + BOUNDARY,
            "{\"text\":\"hello\"}"});
        cases.put("a header line without a colon", new String[] {"multipart/form-data; boundary=" + BOUNDARY,
            "--" + BOUNDARY + "\r\nnot a header\r\n\r\n" + CSV + "\r\n--" + BOUNDARY + "--\r\n"});

        SoftAssertions softly = new SoftAssertions();
        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            byte[] body = c.getValue()[1].getBytes(StandardCharsets.UTF_8);
            RawHttp.Answer answer = RawHttp.exchange(port, "POST /api/v1/training-jobs HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: " + c.getValue()[0] + "\r\nContent-Length: " + body.length, body);
            softly.assertThat(answer.status()).as(c.getKey() + ": " + answer.body()).isEqualTo(400);
            softly.assertThat(answer.contentType()).as(c.getKey()).startsWith("application/problem+json");
            softly.assertThat(answer.body()).as(c.getKey()).contains("\"detail\"")
                    .doesNotContain("Exception", "\tat ", "/tmp/", "tomcat");
        }
        softly.assertAll();
    }

    @Test
    void aQueryStringTomcatCannotDecodeIsA400Problem() throws Exception {
        // found by OpenApiFuzzTest: Tomcat throws InvalidParameterException when the handler asks for a parameter
        for (String query : new String[] {"a=%C0%AE", "=", "page=1&=&size=2", "modelId=%FF"}) {
            RawHttp.Answer answer = RawHttp.exchange(port, "GET /api/v1/feedback?" + query + " HTTP/1.1\r\nHost: 127.0.0.1",
                    new byte[0]);
            assertThat(answer.status()).as(query + ": " + answer.body()).isEqualTo(400);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.body()).contains("malformed-request", "query string").doesNotContain("Exception");
        }
    }

    @Test
    void aWildcardContentTypeIs415NotA500() throws Exception {
        // found by OpenApiFuzzTest (seed 7): Spring throws IllegalArgumentException for a wildcard Content-Type
        // when the handler has no 'consumes'
        byte[] body = "{\"modelId\":\"nope\"}".getBytes(StandardCharsets.UTF_8);
        for (String type : new String[] {"*/*", "application/*"}) {
            RawHttp.Answer answer = RawHttp.exchange(port, "PUT /api/v1/models/active HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: " + type + "\r\nContent-Length: " + body.length, body);
            assertThat(answer.status()).as(type + ": " + answer.body()).isEqualTo(415);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.body()).contains("unsupported-media-type").doesNotContain("Exception");

            byte[] infer = "{\"inputs\":[]}".getBytes(StandardCharsets.UTF_8);
            RawHttp.Answer v2 = RawHttp.exchange(port, "POST /v2/models/sentiment/infer HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: " + type + "\r\nContent-Length: " + infer.length, infer);
            assertThat(v2.status()).as(type + ": " + v2.body()).isEqualTo(415);
            assertThat(v2.body()).startsWith("{\"error\":");
        }
    }

    @Test
    void anUploadTheServiceCannotStoreIsA503NotTheClientsMistake() {
        // Tomcat wraps a failed write of the spooled part (a full disk) as it wraps a malformed body
        ResponseEntity<ProblemDetail> full = new ApiExceptionHandler().handleMalformedMultipart(new MultipartException(
                "Failed to parse multipart servlet request", new FileUploadException("Processing of multipart/form-data "
                        + "request failed. No space left on device", new IOException("No space left on device"))));
        assertThat(full.getStatusCode().value()).isEqualTo(503);
        assertThat(full.getHeaders().getFirst("Retry-After")).isEqualTo("5");
        assertThat(full.getBody().getDetail()).doesNotContain("No space", "/tmp");

        ResponseEntity<ProblemDetail> malformed = new ApiExceptionHandler().handleMalformedMultipart(new MultipartException(
                "Failed to parse multipart servlet request", new FileUploadException("Stream ended unexpectedly")));
        assertThat(malformed.getStatusCode().value()).isEqualTo(400);
        assertThat(malformed.getBody().getType()).isEqualTo(ProblemTypes.uri("malformed-request"));
    }
}
