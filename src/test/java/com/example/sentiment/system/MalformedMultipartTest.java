package com.example.sentiment.system;

import com.example.sentiment.TestProperties;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A multipart body that cannot be parsed is the client's mistake: 400 problem+json from the one exception
 * handler, never a 500. Sent over a real socket, byte for byte, because MockMvc does not parse multipart and
 * HTTP client libraries will not write a broken body.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "sentiment.classify.max-request-size=64KB",
    "spring.servlet.multipart.max-file-size=256KB",
    "spring.servlet.multipart.max-request-size=512KB"})
class MalformedMultipartTest {

    static final String BOUNDARY = "good-boundary";
    static final String CSV = "text,label\ngood film,positive\nbad film,negative\n";

    @TempDir
    static Path models;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestProperties.isolatedStorage(registry, models);
    }

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
}
