package com.example.archfixture;

import com.example.archfixture.alpha.Alpha;

/** Breaks "the base package uses no feature". */
public class FixtureApplication {

    Alpha alpha = new Alpha();
}
