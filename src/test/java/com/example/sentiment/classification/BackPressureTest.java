package com.example.sentiment.classification;

import static org.hamcrest.Matchers.containsString;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.example.sentiment.TestProperties;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/** A full classification queue reaches the client as 503 service-busy with Retry-After, at once. */
@SpringBootTest
@AutoConfigureMockMvc
class BackPressureTest {

    @TempDir
    static Path models;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestProperties.isolatedStorage(registry, models);
    }

    @MockitoBean
    ClassificationService classification;

    @Autowired
    MockMvc mvc;

    @Test
    void aFullQueueAnswers503WithRetryAfter() throws Exception {
        when(classification.classify(any(), any(), any())).thenThrow(ServiceBusyException.queueFull(2048));
        mvc.perform(post("/api/v1/classify").contentType(MediaType.APPLICATION_JSON).content("{\"text\":\"great\"}"))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().exists("Retry-After"))
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value(containsString("service-busy")))
                .andExpect(jsonPath("$.detail").value(containsString("2048 texts waiting")));
    }
}
