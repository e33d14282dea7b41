package com.example.sentiment.system;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * HTTP/1.1 over a plain socket to 127.0.0.1, for requests an HTTP client library will not send as written
 * (a wrong boundary, a truncated body) and for bodies streamed without a length while the answer is read.
 */
final class RawHttp {

    private RawHttp() {
    }

    /** An answer: status, the header block as text, and the body (de-chunked). */
    record Answer(int status, String headers, String body) {
        String contentType() {
            for (String line : headers.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-type:")) {
                    return line.substring("content-type:".length()).trim();
                }
            }
            return "";
        }
    }

    /** The outcome of a streamed request: the answer, and how many body bytes the server let the client write. */
    record Streamed(Answer answer, long bytesSent) {
    }

    /** Sends {@code head} (request line and headers, without the blank line) and {@code body} as they are. */
    static Answer exchange(int port, String head, byte[] body) throws IOException {
        try (Socket socket = open(port)) {
            OutputStream out = socket.getOutputStream();
            out.write((head + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            socket.shutdownOutput();
            return parse(readAll(socket.getInputStream()));
        }
    }

    /**
     * Sends {@code head} with {@code Transfer-Encoding: chunked}, then {@code prefix} and filler bytes in 64 KiB
     * chunks up to {@code bodyBytes} in all, generated as they are written, from a second thread while this one
     * reads the answer. Writing stops when the server answers or stops reading (the socket fails).
     */
    static Streamed streamChunked(int port, String head, byte[] prefix, long bodyBytes) throws Exception {
        try (Socket socket = open(port)) {
            OutputStream out = socket.getOutputStream();
            out.write((head + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            AtomicLong sent = new AtomicLong();
            AtomicBoolean answered = new AtomicBoolean();
            Thread writer = new Thread(() -> {
                byte[] filler = new byte[64 * 1024];
                Arrays.fill(filler, (byte) 'a');
                try {
                    writeChunk(out, prefix, prefix.length);
                    sent.addAndGet(prefix.length);
                    while (!answered.get() && sent.get() < bodyBytes) {
                        int n = (int) Math.min(filler.length, bodyBytes - sent.get());
                        writeChunk(out, filler, n);
                        sent.addAndGet(n);
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (IOException e) {
                    // the server closed the connection: it stopped reading, which is what the caller measures
                }
            }, "raw-http-writer");
            writer.setDaemon(true);
            writer.start();
            Answer answer;
            try {
                answer = parse(readAll(socket.getInputStream()));
            } finally {
                answered.set(true);
            }
            socket.close();
            writer.join(30_000);
            return new Streamed(answer, sent.get());
        }
    }

    private static void writeChunk(OutputStream out, byte[] data, int length) throws IOException {
        out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(data, 0, length);
        out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }

    private static Socket open(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(60_000);
        return socket;
    }

    /** Reads until the server closes; a reset after the answer has arrived keeps what was read. */
    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                bytes.write(buffer, 0, n);
            }
        } catch (IOException e) {
            if (bytes.size() == 0) {
                throw e;
            }
        }
        return bytes.toByteArray();
    }

    private static Answer parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new AssertionError("no complete HTTP answer: " + text);
        }
        String headers = text.substring(0, end);
        int status = Integer.parseInt(headers.substring(9, 12));
        String body = text.substring(end + 4);
        if (headers.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
            body = dechunk(body);
        }
        return new Answer(status, headers, body);
    }

    private static String dechunk(String chunked) {
        StringBuilder body = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            int lineEnd = chunked.indexOf("\r\n", at);
            if (lineEnd < 0) {
                break;
            }
            int size = Integer.parseInt(chunked.substring(at, lineEnd).trim(), 16);
            if (size == 0) {
                break;
            }
            // sizes count bytes; problem details here are ASCII, so bytes and characters agree
            int start = lineEnd + 2;
            body.append(chunked, start, Math.min(chunked.length(), start + size));
            at = start + size + 2;
        }
        return body.toString();
    }
}
