package com.example.archfixture.alpha;

import com.example.archfixture.beta.Beta;
import com.example.archfixture.beta.api.Exposed;
import com.example.archfixture.beta.internal.Hidden;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Breaks "only ml uses ND4J", half of the alpha-beta cycle, and uses beta's internal package and its named interface. */
public class Alpha {

    INDArray zeros() {
        return Nd4j.zeros(2);
    }

    Beta beta;
    Hidden hidden;
    Exposed exposed;
}
