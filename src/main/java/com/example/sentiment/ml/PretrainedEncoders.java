package com.example.sentiment.ml;

import java.util.List;

/**
 * The pretrained encoders this service can run, by name: what training looks an {@code encoder} setting up in,
 * and what a stored version that was trained with an encoder is loaded against. The service's are the
 * {@link EncoderCatalogue} bean's.
 */
public interface PretrainedEncoders {

    /** None: every setting that names an encoder is unknown, every version that needs one fails to load. */
    PretrainedEncoders NONE = new PretrainedEncoders() {
        @Override
        public List<String> names() {
            return List.of();
        }

        @Override
        public PretrainedEncoder get(String name) {
            throw new IllegalArgumentException("no encoder '" + name + "'");
        }

        @Override
        public String fingerprint(String name) {
            throw new IllegalArgumentException("no encoder '" + name + "'");
        }
    };

    /** The names a training setting may give, such as {@code e5-small}. */
    List<String> names();

    default boolean has(String name) {
        return names().contains(name);
    }

    /** The encoder of that name; only for a name {@link #has} knows. */
    PretrainedEncoder get(String name);

    /**
     * What identifies the encoder's exact model and tokenizer (a digest of their files): a version records the
     * fingerprint it was trained with and loads only against the same one.
     */
    String fingerprint(String name);
}
