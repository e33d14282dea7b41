package com.example.sentiment.vectors;

import com.example.sentiment.SentimentProperties;
import com.example.sentiment.ml.EncoderCatalogue;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The pretrained encoders of {@code sentiment.encoders}, shared by every job and model of the process. Making
 * the catalogue only lists them: an ONNX session (about a second and 100 MB) is opened on an encoder's first use,
 * and closed with the application context.
 */
@Configuration(proxyBeanMethods = false)
class EncoderCatalogueConfiguration {

    @Bean(destroyMethod = "close")
    EncoderCatalogue encoderCatalogue(SentimentProperties properties) {
        return new EncoderCatalogue(properties.encoders().directory());
    }
}
