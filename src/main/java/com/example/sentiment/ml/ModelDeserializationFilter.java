package com.example.sentiment.ml;

import java.io.IOException;
import java.io.ObjectInputFilter;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java deserialization filter of model loading. DL4J's {@code ModelSerializer} reads some entries of a
 * network file with {@link java.io.ObjectInputStream} ({@code preprocessor.bin} whenever the zip has one, and
 * the objects added with {@code addObjectToFile}, here an ensemble's further members), so whoever can write the
 * model store or an {@code import-model --from} folder could plant a deserialization bomb or a gadget chain
 * that the checksums, recorded by the same writer, would not stop. DL4J creates those streams itself, so no
 * filter can be set on them; this one is the JVM-wide filter ({@link ObjectInputFilter.Config#setSerialFilter}),
 * which every stream created later consults.
 *
 * <p>It judges only streams created on a thread that is loading a model ({@link #whileLoading}); other streams
 * of the process get {@code UNDECIDED}, that is what they got without a filter, because an allow-list meant for
 * model files would break any other (legitimate) use of serialization in the libraries. While loading, it
 * allows only {@code byte[]}: the one class this service writes there (an ensemble member's parameters, from
 * {@code Nd4j.toByteArray}; {@code writeModel} never writes {@code preprocessor.bin}). Every architecture the
 * tests train, and the bundled model, load through it (DL4J and fused engines, every pooling, bidirectional,
 * ensembles). Beyond the allow-list: at most {@value #MAX_DEPTH} levels, {@value #MAX_REFERENCES} references and
 * {@value #MAX_ARRAY_LENGTH} array elements (an ensemble member of 64 million parameters), so that a stream
 * cannot make the loader allocate or recurse without bound.
 *
 * <p>{@link #install} runs first thing in {@code SentimentApplication.main} (so also in the {@code train},
 * {@code evaluate} and {@code import-model} commands) and again, idempotently, before every load, so that no
 * entry point can load a model without it. When a JVM-wide filter is already set by someone else (the
 * {@code jdk.serialFilter} property), it cannot be replaced: models are then refused, rather than read
 * without this check.
 */
public final class ModelDeserializationFilter {

    static final int MAX_DEPTH = 4;
    static final int MAX_REFERENCES = 16;
    static final int MAX_ARRAY_LENGTH = 256 * 1024 * 1024;
    private static final Set<Class<?>> ALLOWED = Set.of(byte[].class);
    private static final Logger log = LoggerFactory.getLogger(ModelDeserializationFilter.class);
    private static final ThreadLocal<Boolean> LOADING = ThreadLocal.withInitial(() -> false);
    private static final ObjectInputFilter FILTER = ModelDeserializationFilter::check;
    private static String notInstalled; // guarded by the class

    /** A step of a load that reads files. */
    @FunctionalInterface
    interface Loading<T> {
        T run() throws IOException;
    }

    private ModelDeserializationFilter() {
    }

    /** Makes this the JVM-wide deserialization filter, if it is not yet; safe to call any number of times. */
    public static synchronized void install() {
        ObjectInputFilter current = ObjectInputFilter.Config.getSerialFilter();
        if (current == FILTER) {
            return;
        }
        if (current == null) {
            try {
                ObjectInputFilter.Config.setSerialFilter(FILTER);
                notInstalled = null;
                return;
            } catch (IllegalStateException | SecurityException e) {
                notInstalled = e.getMessage();
            }
        } else {
            notInstalled = "another JVM-wide deserialization filter is set (" + current + ")";
        }
        log.error("The model deserialization filter cannot be installed: {}; models will not be loaded", notInstalled);
    }

    /** Runs {@code loading} with every object stream it creates on this thread judged by this filter. */
    static <T> T whileLoading(Loading<T> loading) throws IOException {
        install();
        synchronized (ModelDeserializationFilter.class) {
            if (notInstalled != null) {
                throw new IOException("the deserialization filter that guards model loading is not in place ("
                        + notInstalled + ")");
            }
        }
        boolean outer = !LOADING.get();
        LOADING.set(true);
        try {
            return loading.run();
        } finally {
            if (outer) {
                LOADING.remove();
            }
        }
    }

    private static ObjectInputFilter.Status check(ObjectInputFilter.FilterInfo info) {
        if (!LOADING.get()) {
            return ObjectInputFilter.Status.UNDECIDED;
        }
        Class<?> type = info.serialClass();
        if (info.depth() > MAX_DEPTH || info.references() > MAX_REFERENCES || info.arrayLength() > MAX_ARRAY_LENGTH) {
            log.warn("Refused to deserialize a model entry: depth {}, references {}, array length {} ({})",
                    info.depth(), info.references(), info.arrayLength(), type == null ? "-" : type.getName());
            return ObjectInputFilter.Status.REJECTED;
        }
        if (type == null) {
            return ObjectInputFilter.Status.ALLOWED; // a limits-only check (a back-reference, a block of data)
        }
        if (ALLOWED.contains(type)) {
            log.debug("Deserializing a {} from a model file", type.getName());
            return ObjectInputFilter.Status.ALLOWED;
        }
        log.warn("Refused to deserialize a {} from a model file: not a class a model file holds", type.getName());
        return ObjectInputFilter.Status.REJECTED;
    }
}
