package com.example.sentiment.system;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.model.ModelService;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.AliasFor;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

/**
 * A {@code @WebMvcTest} slice of the named controllers, as the service answers them: the advices and filters
 * of the web layer, the settings they read (defaults, or the test's properties), the strict JSON reading of
 * {@link JsonConfiguration}, and a mock {@link ModelService} (which
 * the model-version header filter needs; a test may {@code @Autowired} it to say what it answers). Everything
 * else a controller uses is the test's {@code @MockitoBean}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@WebMvcTest
@Import(JsonConfiguration.class)
@EnableConfigurationProperties(SentimentProperties.class)
@MockitoBean(types = ModelService.class)
public @interface ControllerSlice {

    /** The controllers under test. */
    @AliasFor(annotation = WebMvcTest.class, attribute = "controllers")
    Class<?>[] value();
}
