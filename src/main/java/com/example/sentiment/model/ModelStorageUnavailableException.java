package com.example.sentiment.model;

import com.example.sentiment.system.ProblemException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;

/**
 * The model storage (a disk, an object store) failed; the same call may succeed when it is retried. Its detail
 * names what failed and a reason a client may read; the underlying message, which may name absolute paths or the
 * object store's address, reaches only the log (where {@code ApiExceptionHandler} writes the cause).
 */
public class ModelStorageUnavailableException extends ProblemException {

    /** Words only: an operating system's reason such as "No space left on device", never a path or an address. */
    private static final Pattern PLAIN_REASON = Pattern.compile("[\\p{L} ,'-]{1,80}");

    private ModelStorageUnavailableException(String detail, IOException cause) {
        super(HttpStatus.SERVICE_UNAVAILABLE, "model-storage-unavailable", "Model storage unavailable", detail);
        initCause(cause);
    }

    private ModelStorageUnavailableException(String detail, RuntimeException cause) {
        super(HttpStatus.SERVICE_UNAVAILABLE, "model-storage-unavailable", "Model storage unavailable", detail);
        initCause(cause);
    }

    /**
     * The active-version pointer (its file, or the PostgreSQL row) cannot be read or written: nothing changed.
     * The detail is the same whatever the cause, whose words (paths, hosts) go to the log only.
     */
    static ModelStorageUnavailableException pointerUnavailable(RuntimeException cause) {
        return new ModelStorageUnavailableException(
                "The active version cannot be read or recorded right now, so nothing was changed; retry later.", cause);
    }

    static ModelStorageUnavailableException of(String what, IOException cause) {
        return new ModelStorageUnavailableException(what + ": " + clientReason(cause) + "; retry later", cause);
    }

    /**
     * Why a storage operation failed, in words a client may be shown: a file system's reason without the file
     * ("Read-only file system"), that the object store cannot be reached, or a generic phrase. Never the
     * exception's message as such, which names absolute paths, endpoints and buckets.
     */
    public static String clientReason(IOException e) {
        // a repository wraps the file system's exception with the path in its message: look for the original
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof StorageUnreachableException) {
                return "the model store cannot be reached";
            }
            if (cause instanceof FileSystemException fs && plain(fs.getReason())) {
                return fs.getReason().trim();
            }
        }
        return !(e instanceof FileNotFoundException) && plain(e.getMessage()) ? e.getMessage().trim()
                : "the model storage failed (the service's log has the details)";
    }

    private static boolean plain(String reason) {
        return reason != null && PLAIN_REASON.matcher(reason.trim()).matches();
    }
}
