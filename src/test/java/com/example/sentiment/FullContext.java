package com.example.sentiment;

import com.example.sentiment.model.ModelService;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole service started for one test class, on storage of its own: a fresh models folder (and a vectors
 * folder without vectors, so that neither the bundled model nor the developer's GloVe cache is seen), MockMvc,
 * and the model service for tests that store a model first.
 *
 * <p>A subclass may declare its own {@code @SpringBootTest} (a real port, properties) and further
 * {@code @DynamicPropertySource} methods. Each class gets its own context, closed after the class: classes with the
 * same configuration would otherwise share one, with the first class's models folder (deleted after it ran) and
 * its stored versions.
 */
@SpringBootTest
@AutoConfigureMockMvc
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
public abstract class FullContext {

    /** This class's models folder, empty when the service starts. */
    @TempDir
    protected static Path models;

    private static String tinyModelId;

    @Autowired
    protected MockMvc mvc;

    @Autowired
    protected ModelService modelService;

    protected final JsonMapper json = JsonMapper.builder().build();

    @DynamicPropertySource
    static void isolatedStorage(DynamicPropertyRegistry registry) {
        TestProperties.isolatedStorage(registry, models);
    }

    @BeforeAll
    static void noTinyModelYet() {
        // each class has its own context, hence its own models: the previous class's version is not there
        tinyModelId = null;
    }

    /**
     * The class's tiny model ({@link TinyModel#activate}), trained, stored and activated on the first call; later
     * calls answer the same version without activating it again.
     */
    protected String tinyModel(int examples, int epochs) throws IOException {
        if (tinyModelId == null) {
            tinyModelId = TinyModel.activate(modelService, examples, epochs);
        }
        return tinyModelId;
    }

    /** The version {@link #tinyModel} stored, or null before it was called in this class. */
    protected static String tinyModelIfAny() {
        return tinyModelId;
    }

    /** The response to a request. */
    protected MockHttpServletResponse perform(MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request).andReturn().getResponse();
    }

    /** The response to a request with a JSON body: a String is sent as it is, anything else serialised. */
    protected MockHttpServletResponse sendJson(MockHttpServletRequestBuilder request, Object body) throws Exception {
        String content = body instanceof String text ? text : json.writeValueAsString(body);
        return perform(request.contentType(MediaType.APPLICATION_JSON).content(content));
    }

    /** A response's JSON body. */
    protected JsonNode read(MockHttpServletResponse response) throws Exception {
        return json.readTree(response.getContentAsString());
    }
}
