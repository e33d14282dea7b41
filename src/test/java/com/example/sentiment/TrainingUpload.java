package com.example.sentiment;

import java.io.FileNotFoundException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A {@code POST /api/v1/training-jobs} multipart request for tests that talk real HTTP. */
public final class TrainingUpload {

    private TrainingUpload() {
    }

    /** Part {@code data} holds {@code csv}; part {@code config} is added when not null. */
    public static HttpRequest.Builder request(String baseUrl, String csv, String config) {
        return request(baseUrl, "data", csv, config);
    }

    /** The same with the file in a part of another name, to check that a wrong name is refused. */
    public static HttpRequest.Builder request(String baseUrl, String dataPart, String csv, String config) {
        String boundary = "----test" + System.nanoTime();
        StringBuilder body = new StringBuilder();
        body.append("--").append(boundary).append("\r\n")
                .append("Content-Disposition: form-data; name=\"").append(dataPart).append("\"; filename=\"reviews.csv\"\r\n")
                .append("Content-Type: text/csv\r\n\r\n").append(csv).append("\r\n");
        if (config != null) {
            body.append("--").append(boundary).append("\r\n")
                    .append("Content-Disposition: form-data; name=\"config\"\r\n\r\n").append(config).append("\r\n");
        }
        body.append("--").append(boundary).append("--\r\n");
        return HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/training-jobs"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
    }

    /** Part {@code data} streamed from {@code file}, so that a large upload is never held in memory here. */
    public static HttpRequest.Builder request(String baseUrl, Path file, String config) throws FileNotFoundException {
        String boundary = "----test" + System.nanoTime();
        String head = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"data\"; filename=\"" + file.getFileName() + "\"\r\n"
                + "Content-Type: text/csv\r\n\r\n";
        StringBuilder tail = new StringBuilder("\r\n");
        if (config != null) {
            tail.append("--").append(boundary).append("\r\n")
                    .append("Content-Disposition: form-data; name=\"config\"\r\n\r\n").append(config).append("\r\n");
        }
        tail.append("--").append(boundary).append("--\r\n");
        return HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/training-jobs"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofString(head, StandardCharsets.UTF_8),
                        HttpRequest.BodyPublishers.ofFile(file),
                        HttpRequest.BodyPublishers.ofString(tail.toString(), StandardCharsets.UTF_8)));
    }
}
