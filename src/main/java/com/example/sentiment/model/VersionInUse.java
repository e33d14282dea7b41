package com.example.sentiment.model;

import java.util.Optional;

/**
 * Something besides the active pointer that serves a stored version (the rollout's canary or shadow): a version
 * in use is not deleted. A port, so that the model feature need not know the features that use its versions.
 */
public interface VersionInUse {

    /** How {@code modelId} is in use, in words (such as "the running canary"); empty when it is not. */
    Optional<String> use(String modelId);
}
