package com.example.sentiment.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The filter judges what a model load deserializes, and nothing else the process deserializes. */
class ModelDeserializationFilterTest {

    private static byte[] serialized(Object object) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
        }
        return bytes.toByteArray();
    }

    private static Object read(byte[] bytes) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return in.readObject();
        }
    }

    @Test
    void whileLoadingOnlyWhatAModelFileHoldsIsRead() throws Exception {
        byte[] list = serialized(new ArrayList<>(List.of("x")));
        byte[] parameters = serialized(new byte[] {1, 2, 3});
        assertThatThrownBy(() -> ModelDeserializationFilter.whileLoading(() -> {
            try {
                return read(list);
            } catch (ClassNotFoundException e) {
                throw new IOException(e);
            }
        })).isInstanceOf(InvalidClassException.class).hasMessageContaining("REJECTED");
        assertThat((byte[]) ModelDeserializationFilter.whileLoading(() -> {
            try {
                return read(parameters);
            } catch (ClassNotFoundException e) {
                throw new IOException(e);
            }
        })).containsExactly(1, 2, 3);
        // the rest of the process deserializes as before
        assertThat(read(list)).isEqualTo(List.of("x"));
    }
}
