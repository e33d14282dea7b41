package com.example.sentiment.system;

import com.example.sentiment.SentimentProperties;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The S3 client of {@code sentiment.storage.s3}, as every feature that keeps objects there builds it: addressed
 * by path (not by a bucket host name) so that any S3-compatible server works, checksums only where S3 requires
 * them (since SDK 2.30 the default CRC32 checksums are refused by many S3-compatible servers), and timeouts
 * that fail a stalled call within seconds.
 */
public final class S3Clients {

    private S3Clients() {
    }

    /** A client for the settings' endpoint (AWS itself when none), with their keys or the default credentials. */
    public static S3Client connect(SentimentProperties.Storage.S3 settings) {
        AwsCredentialsProvider credentials = settings.accessKey() != null && !settings.accessKey().isBlank()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKey(), settings.secretKey()))
                : DefaultCredentialsProvider.builder().build();
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials)
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(ApacheHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(3))
                        .socketTimeout(Duration.ofSeconds(15)));
        if (settings.endpoint() != null && !settings.endpoint().isBlank()) {
            builder.endpointOverride(URI.create(settings.endpoint()));
        }
        return builder.build();
    }

    /**
     * Creates the bucket when it does not exist; true when this call created it. Another replica may create it at
     * the same moment, so its 409 counts as there. The SDK's exceptions pass through, for the caller to word.
     */
    public static boolean createBucketIfMissing(S3Client s3, String bucket) {
        try {
            s3.headBucket(r -> r.bucket(bucket));
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw e;
            }
        }
        try {
            s3.createBucket(r -> r.bucket(bucket));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() != 409) {
                throw e;
            }
            return false;
        }
    }
}
