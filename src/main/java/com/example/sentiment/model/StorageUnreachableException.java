package com.example.sentiment.model;

import java.io.IOException;

/**
 * The model repository could not be reached or answered with a server error: the same call may succeed a
 * moment later (an object store restarting, a network blip), unlike a refusal or a full disk.
 */
public class StorageUnreachableException extends IOException {

    StorageUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
