package com.example.sentiment.system;

import com.example.sentiment.SentimentProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses JSON request bodies over {@code sentiment.classify.max-request-size} with 413: before reading them
 * when they declare a {@code Content-Length}, and as they are read otherwise ({@code Transfer-Encoding: chunked}),
 * by counting the bytes the application takes from the body's stream. Past the limit the stream throws
 * {@link RequestTooLargeException}, which the exception handlers answer 413, and Tomcat discards at most
 * {@code server.tomcat.max-swallow-size} (2 MB) of the rest before it closes the connection: the server reads
 * little more than the limit, whatever the client sends. Multipart uploads are read by Tomcat itself, which
 * enforces {@code spring.servlet.multipart.max-file-size} and {@code max-request-size} as it reads, chunked or not.
 */
@Component
class RequestSizeLimitFilter extends OncePerRequestFilter {

    private final long maxBytes;
    private final JsonMapper json;

    RequestSizeLimitFilter(SentimentProperties properties, JsonMapper json) {
        this.json = json;
        this.maxBytes = properties.classify().maxRequestSize().toBytes();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String type = request.getContentType();
        boolean multipart = type != null && type.toLowerCase().startsWith("multipart/");
        if (!multipart && request.getContentLengthLong() > maxBytes) {
            response.setHeader("Connection", "close");
            ProblemResponses.write(json, request, response, HttpStatus.CONTENT_TOO_LARGE, "payload-too-large",
                    "Payload too large", "The request body has " + request.getContentLengthLong()
                            + " bytes; the limit is " + maxBytes + " (sentiment.classify.max-request-size).");
            return;
        }
        chain.doFilter(multipart ? request : new CountedBody(request, response, maxBytes), response);
    }

    /** The request with its body stream counted; the reader, if asked for, reads the same counted stream. */
    private static final class CountedBody extends HttpServletRequestWrapper {

        private final HttpServletResponse response;
        private final long maxBytes;
        private ServletInputStream counted;

        CountedBody(HttpServletRequest request, HttpServletResponse response, long maxBytes) {
            super(request);
            this.response = response;
            this.maxBytes = maxBytes;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (counted == null) {
                counted = new CountingStream(super.getInputStream());
            }
            return counted;
        }

        @Override
        public BufferedReader getReader() throws IOException {
            String encoding = getCharacterEncoding();
            // the servlet specification's default charset for a body that does not name one
            Charset charset;
            try {
                charset = encoding == null ? StandardCharsets.ISO_8859_1 : Charset.forName(encoding);
            } catch (IllegalArgumentException e) {
                throw new UnsupportedEncodingException(encoding);
            }
            return new BufferedReader(new InputStreamReader(getInputStream(), charset));
        }

        private final class CountingStream extends ServletInputStream {

            private final ServletInputStream body;
            private long read;

            CountingStream(ServletInputStream body) {
                this.body = body;
            }

            @Override
            public int read() throws IOException {
                int b = body.read();
                if (b >= 0) {
                    count(1);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = body.read(buffer, offset, length);
                if (n > 0) {
                    count(n);
                }
                return n;
            }

            private void count(int n) throws RequestTooLargeException {
                read += n;
                if (read > maxBytes) {
                    if (!response.isCommitted()) {
                        // the rest of the body is not read; the client learns that it need not send it
                        response.setHeader("Connection", "close");
                    }
                    throw new RequestTooLargeException(maxBytes);
                }
            }

            @Override
            public int available() throws IOException {
                return body.available();
            }

            @Override
            public boolean isFinished() {
                return body.isFinished();
            }

            @Override
            public boolean isReady() {
                return body.isReady();
            }

            @Override
            public void setReadListener(ReadListener listener) {
                body.setReadListener(listener);
            }

            @Override
            public void close() throws IOException {
                body.close();
            }
        }
    }
}
