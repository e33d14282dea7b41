package com.example.sentiment;

import java.io.FileNotFoundException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
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
        return request(baseUrl, dataPart, "reviews.csv", BodyPublishers.ofString(csv, StandardCharsets.UTF_8), config);
    }

    /** Part {@code data} streamed from {@code file}, so that a large upload is never held in memory here. */
    public static HttpRequest.Builder request(String baseUrl, Path file, String config) throws FileNotFoundException {
        return request(baseUrl, "data", file.getFileName().toString(), BodyPublishers.ofFile(file), config);
    }

    private static HttpRequest.Builder request(String baseUrl, String dataPart, String filename,
                                               HttpRequest.BodyPublisher data, String config) {
        String boundary = "----test" + System.nanoTime();
        String head = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"" + dataPart + "\"; filename=\"" + filename + "\"\r\n"
                + "Content-Type: text/csv\r\n\r\n";
        StringBuilder tail = new StringBuilder("\r\n");
        if (config != null) {
            tail.append("--").append(boundary).append("\r\n")
                    .append("Content-Disposition: form-data; name=\"config\"\r\n\r\n").append(config).append("\r\n");
        }
        tail.append("--").append(boundary).append("--\r\n");
        return HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/training-jobs"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(BodyPublishers.concat(BodyPublishers.ofString(head, StandardCharsets.UTF_8), data,
                        BodyPublishers.ofString(tail.toString(), StandardCharsets.UTF_8)));
    }
}
