package com.example.sentiment.ml;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The one place the service learns which pretrained encoders it has: training, the training settings'
 * validation and model loading all take this bean.
 */
@Configuration(proxyBeanMethods = false)
class PretrainedEncodersConfiguration {

    // TODO(issue 25): none until the ONNX Runtime encoder catalogue is merged; then this returns the catalogue
    @Bean
    PretrainedEncoders pretrainedEncoders() {
        return PretrainedEncoders.NONE;
    }
}
