package com.example.archfixture.beta;

import com.example.archfixture.alpha.Alpha;

/** The other half of the alpha-beta cycle. */
public class Beta {

    Alpha alpha;
}
