package com.example.sentiment;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Self-hosted text classification: train LSTM classifiers on your own labelled text, classify over HTTP. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SentimentApplication {

    public static void main(String[] args) {
        SpringApplication.run(SentimentApplication.class, args);
    }
}
