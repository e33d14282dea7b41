package com.example.archfixture.ml;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.springframework.http.HttpStatus;

/** Uses ND4J as ml may, and breaks "HTTP stays out of ml". */
public class Engine {

    INDArray ones() {
        return Nd4j.ones(2);
    }

    HttpStatus status() {
        return HttpStatus.OK;
    }
}
