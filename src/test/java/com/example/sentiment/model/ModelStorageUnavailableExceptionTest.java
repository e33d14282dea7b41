package com.example.sentiment.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import org.junit.jupiter.api.Test;

/** What a client reads when the model storage fails: what failed and why in plain words, never where. */
class ModelStorageUnavailableExceptionTest {

    @Test
    void anUnreachableObjectStoreIsNotNamed() {
        ModelStorageUnavailableException e = ModelStorageUnavailableException.of("cannot load model m-1",
                new StorageUnreachableException("cannot reach bucket models-prod: Unable to execute HTTP request: "
                        + "Connect to minio.internal:9000 [/10.1.2.3] failed", null));
        assertThat(e.getMessage()).isEqualTo("cannot load model m-1: the model store cannot be reached; retry later")
                .doesNotContain("minio", "10.1.2.3", "models-prod");
        assertThat(e.getCause()).as("the details stay with the exception, for the log").isNotNull();
    }

    @Test
    void aFileSystemsReasonIsKeptWithoutThePath() {
        String detail = ModelStorageUnavailableException.of("cannot update model m-1", new FileSystemException(
                "/srv/sentiment/models/m-1/metadata.json", null, "Read-only file system")).getMessage();
        assertThat(detail).isEqualTo("cannot update model m-1: Read-only file system; retry later");
        assertThat(ModelStorageUnavailableException.clientReason(new IOException("No space left on device")))
                .isEqualTo("No space left on device");
        // as FileSystemModelRepository wraps it: the path in the message, the file system's exception as cause
        IOException wrapped = new IOException("Read-only file system (/srv/sentiment/models/.tmp-m-2)",
                new FileSystemException("/srv/sentiment/models/.tmp-m-2", null, "Read-only file system"));
        assertThat(ModelStorageUnavailableException.clientReason(wrapped)).isEqualTo("Read-only file system");
    }

    @Test
    void anythingThatMayNameAPathOrAnAddressIsReplaced() {
        for (IOException e : new IOException[] {
                new FileNotFoundException("/srv/sentiment/models/m-1/model.zip (No such file or directory)"),
                new AccessDeniedException("/srv/sentiment/models/m-1"),
                new IOException("cannot create bucket b: Access Denied (Service: S3, Status Code: 403)"),
                new IOException("C:\\models\\m-1 is locked"),
                new IOException((String) null)}) {
            String reason = ModelStorageUnavailableException.clientReason(e);
            assertThat(reason).as(String.valueOf(e.getMessage()))
                    .isEqualTo("the model storage failed (the service's log has the details)");
        }
    }
}
