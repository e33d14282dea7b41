package com.example.sentiment.model;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.system.S3Clients;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntPredicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The calls {@link S3ModelRepository} makes to one bucket, in its terms: an absent object is an empty answer
 * or false, a create-only write that finds its key taken is false, and every other failure is an
 * {@link IOException}: a {@link StorageUnreachableException} (retry may pass) for no answer or a 5xx, a plain
 * one for a 4xx (the server refusing; a retry gets the same). The outcome of the last call is kept for the
 * health check ({@link #lastProblem()}).
 *
 * <p>Upload and request checksums are only sent where S3 requires them ({@code WHEN_REQUIRED}): since SDK
 * 2.30 the default CRC32 checksums are refused by many S3-compatible servers. The SHA-256 in a version's
 * metadata is what guards the bytes end to end.
 */
final class S3Bucket implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(S3Bucket.class);
    private static final IntPredicate NOT_FOUND = status -> status == 404;
    private static final IntPredicate NONE = status -> false;

    private final S3Client s3;
    private final String bucket;
    private volatile boolean ready;
    private volatile String lastProblem;

    /** An object as listed. */
    record Listed(String key, String etag) {
    }

    /** An object as read. */
    record Read(byte[] bytes, String etag) {
    }

    S3Bucket(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    /** The bucket of the settings, addressed by path (not by a bucket host name) so that any S3-compatible server works. */
    static S3Bucket connect(SentimentProperties.Storage.S3 settings) {
        // a stalled server fails a call within seconds instead of holding a loader or a request forever
        return new S3Bucket(S3Clients.connect(settings), settings.bucket());
    }

    @Override
    public void close() {
        s3.close();
    }

    /** The last call's failure, or null when it succeeded. */
    String lastProblem() {
        return lastProblem;
    }

    /** Creates the bucket when it does not exist; after the first success, no call. */
    void ensureExists() throws IOException {
        if (ready) {
            return;
        }
        try {
            if (S3Clients.createBucketIfMissing(s3, bucket)) {
                log.info("Created the model bucket {}", bucket);
            }
        } catch (SdkException e) {
            throw failed("cannot reach or create bucket " + bucket, e);
        }
        succeeded();
        ready = true;
    }

    /**
     * Every object whose key starts with {@code prefix}, all pages; empty (not an empty list) when the bucket
     * does not exist.
     *
     * @param what what the listing is for, the start of the failure's message
     */
    Optional<List<Listed>> list(String prefix, String what) throws IOException {
        return call(what, () -> {
            List<Listed> objects = new ArrayList<>();
            for (S3Object object : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents()) {
                objects.add(new Listed(object.key(), object.eTag()));
            }
            return objects;
        }, NOT_FOUND);
    }

    /** An object's bytes and ETag; empty when it does not exist. */
    Optional<Read> read(String key, String what) throws IOException {
        return call(what, () -> s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)), NOT_FOUND)
                .map(bytes -> new Read(bytes.asByteArray(), bytes.response().eTag()));
    }

    /** Writes an object into {@code target}, which must not exist; false when the object does not exist. */
    boolean download(String key, Path target, String what) throws IOException {
        return call(what, () -> s3.getObject(r -> r.bucket(bucket).key(key), target), NOT_FOUND).isPresent();
    }

    /** Writes a file's bytes under {@code key}, replacing what is there. */
    void upload(String key, Path file) throws IOException {
        call("cannot write " + key, () -> s3.putObject(r -> r.bucket(bucket).key(key)
                .contentType("application/octet-stream"), RequestBody.fromFile(file)), NONE);
    }

    /**
     * Writes a JSON object under {@code key} only if the key is free ({@code If-None-Match: *}); false when it
     * is taken (412, or 409 for a concurrent conditional write of the same key).
     */
    boolean create(String key, byte[] json) throws IOException {
        return call("cannot write " + key, () -> s3.putObject(r -> r.bucket(bucket).key(key)
                .contentType("application/json").ifNoneMatch("*"), RequestBody.fromBytes(json)),
                status -> status == 412 || status == 409).isPresent();
    }

    boolean exists(String key) throws IOException {
        return call("cannot look up " + key, () -> s3.headObject(r -> r.bucket(bucket).key(key)), NOT_FOUND)
                .isPresent();
    }

    void delete(String key) throws IOException {
        call("cannot delete " + key, () -> s3.deleteObject(r -> r.bucket(bucket).key(key)), NONE);
    }

    /**
     * Makes one call: its result, or empty when the server answers with a status that {@code absent} accepts
     * (such as 404 for a read); any other failure is the {@link IOException} of {@link #failed}.
     *
     * @param what the start of the failure's message
     */
    private <T> Optional<T> call(String what, Supplier<T> call, IntPredicate absent) throws IOException {
        try {
            T result = call.get();
            succeeded();
            return Optional.of(result);
        } catch (S3Exception e) {
            if (absent.test(e.statusCode())) {
                succeeded();
                return Optional.empty();
            }
            throw failed(what, e);
        } catch (SdkException e) {
            throw failed(what, e);
        }
    }

    private void succeeded() {
        lastProblem = null;
    }

    private IOException failed(String what, SdkException e) {
        String message = what + ": " + e.getMessage();
        lastProblem = message;
        // a 4xx is the server refusing (a retry gets the same); no answer or a 5xx may pass
        boolean refused = e instanceof S3Exception s3e && s3e.statusCode() >= 400 && s3e.statusCode() < 500;
        return refused ? new IOException(message, e) : new StorageUnreachableException(message, e);
    }
}
