package com.example.sentiment.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.CreateBucketResponse;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.HeadBucketResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * How {@link S3Bucket} translates the SDK's answers: absent objects and taken keys are answers, a refusal (4xx)
 * is a plain {@link IOException}, no answer or a 5xx is a {@link StorageUnreachableException}, and the last
 * call's outcome is what the health check reads. The SDK client is a stand-in that answers what each test says;
 * {@code S3ModelRepositoryIT} runs the same code against a real S3Proxy.
 */
class S3BucketTest {

    @TempDir
    Path dir;

    private static S3Exception status(int code) {
        return (S3Exception) S3Exception.builder().statusCode(code).message("status " + code).build();
    }

    /** A client whose every call fails with {@code failure}, or succeeds when it is null. */
    private static class Answering implements S3Client {
        SdkException failure;
        final List<Object> requests = new ArrayList<>();

        private <T> T answer(Object request, T response) {
            requests.add(request);
            if (failure != null) {
                throw failure;
            }
            return response;
        }

        @Override
        public HeadObjectResponse headObject(HeadObjectRequest request) {
            return answer(request, HeadObjectResponse.builder().build());
        }

        @Override
        public PutObjectResponse putObject(PutObjectRequest request, RequestBody body) {
            return answer(request, PutObjectResponse.builder().build());
        }

        @Override
        public HeadBucketResponse headBucket(HeadBucketRequest request) {
            return answer(request, HeadBucketResponse.builder().build());
        }

        @Override
        public String serviceName() {
            return SERVICE_NAME;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void anAbsentObjectIsAnAnswerAndClearsTheLastProblem() throws Exception {
        Answering client = new Answering();
        S3Bucket bucket = new S3Bucket(client, "models");
        client.failure = status(503);
        assertThatThrownBy(() -> bucket.exists("v/metadata.json")).isInstanceOf(StorageUnreachableException.class);
        assertThat(bucket.lastProblem()).startsWith("cannot look up v/metadata.json: status 503");

        client.failure = status(404);
        assertThat(bucket.exists("v/metadata.json")).isFalse();
        assertThat(bucket.lastProblem()).isNull();
        client.failure = null;
        assertThat(bucket.exists("v/metadata.json")).isTrue();
        assertThat(((HeadObjectRequest) client.requests.get(2)).bucket()).isEqualTo("models");
    }

    @Test
    void aRefusalIsAPlainIOExceptionAndNoAnswerOrAServerErrorMayBeRetried() {
        Answering client = new Answering();
        S3Bucket bucket = new S3Bucket(client, "models");
        client.failure = status(403);
        assertThatThrownBy(() -> bucket.exists("k")).isInstanceOf(IOException.class)
                .isNotInstanceOf(StorageUnreachableException.class).hasMessageContaining("status 403");
        client.failure = status(500);
        assertThatThrownBy(() -> bucket.exists("k")).isInstanceOf(StorageUnreachableException.class);
        client.failure = SdkClientException.create("Unable to execute HTTP request: Connection refused");
        assertThatThrownBy(() -> bucket.exists("k")).isInstanceOf(StorageUnreachableException.class)
                .hasMessage("cannot look up k: Unable to execute HTTP request: Connection refused")
                .hasCauseInstanceOf(SdkClientException.class);
        assertThat(bucket.lastProblem()).isEqualTo("cannot look up k: Unable to execute HTTP request: Connection refused");
    }

    @Test
    void createIsConditionalAndATakenKeyIsFalseWhileAnUploadReplaces() throws Exception {
        Answering client = new Answering();
        S3Bucket bucket = new S3Bucket(client, "models");
        assertThat(bucket.create("v/metadata.json", "{}".getBytes())).isTrue();
        PutObjectRequest created = (PutObjectRequest) client.requests.get(0);
        assertThat(created.ifNoneMatch()).isEqualTo("*");
        assertThat(created.contentType()).isEqualTo("application/json");
        for (int taken : new int[] {412, 409}) {
            client.failure = status(taken);
            assertThat(bucket.create("v/metadata.json", "{}".getBytes())).as("%d", taken).isFalse();
            assertThat(bucket.lastProblem()).isNull();
        }

        client.failure = null;
        Path file = Files.writeString(dir.resolve("model.zip"), "weights");
        bucket.upload("v/model.zip-abc", file);
        PutObjectRequest uploaded = (PutObjectRequest) client.requests.get(3);
        assertThat(uploaded.ifNoneMatch()).isNull();
        assertThat(uploaded.contentType()).isEqualTo("application/octet-stream");
        // without the condition a 412 is no answer the caller expects: a refusal
        client.failure = status(412);
        assertThatThrownBy(() -> bucket.upload("v/model.zip-abc", file)).isInstanceOf(IOException.class)
                .isNotInstanceOf(StorageUnreachableException.class).hasMessageStartingWith("cannot write v/model.zip-abc");
    }

    @Test
    void aListingTakesEveryPageAndAMissingBucketIsNoListing() throws Exception {
        Map<String, ListObjectsV2Response> pages = Map.of(
                "", ListObjectsV2Response.builder().isTruncated(true).nextContinuationToken("2")
                        .contents(S3Object.builder().key("p/a/metadata.json").eTag("\"1\"").build()).build(),
                "2", ListObjectsV2Response.builder().isTruncated(false)
                        .contents(S3Object.builder().key("p/b/metadata.json").eTag("\"2\"").build()).build());
        S3Bucket bucket = new S3Bucket(new Answering() {
            @Override
            public ListObjectsV2Response listObjectsV2(ListObjectsV2Request request) {
                assertThat(request.prefix()).isEqualTo("p/");
                return pages.get(request.continuationToken() == null ? "" : request.continuationToken());
            }
        }, "models");
        assertThat(bucket.list("p/", "cannot list").orElseThrow()).containsExactly(
                new S3Bucket.Listed("p/a/metadata.json", "\"1\""), new S3Bucket.Listed("p/b/metadata.json", "\"2\""));

        S3Bucket missing = new S3Bucket(new Answering() {
            @Override
            public ListObjectsV2Response listObjectsV2(ListObjectsV2Request request) {
                throw status(404);
            }
        }, "models");
        assertThat(missing.list("p/", "cannot list")).isEmpty();
    }

    @Test
    void aMissingBucketIsCreatedOnceAndAnotherReplicaCreatingItFirstIsFine() throws Exception {
        List<String> calls = new ArrayList<>();
        S3Bucket bucket = new S3Bucket(new Answering() {
            @Override
            public HeadBucketResponse headBucket(HeadBucketRequest request) {
                calls.add("head " + request.bucket());
                throw status(404);
            }

            @Override
            public CreateBucketResponse createBucket(CreateBucketRequest request) {
                calls.add("create " + request.bucket());
                throw status(409);
            }
        }, "models");
        bucket.ensureExists();
        bucket.ensureExists();
        assertThat(calls).containsExactly("head models", "create models");
        assertThat(bucket.lastProblem()).isNull();
    }
}
