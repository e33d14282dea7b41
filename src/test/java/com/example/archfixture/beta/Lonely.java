package com.example.archfixture.beta;

/** Breaks "package-private by default": public, and no other package uses it. */
public class Lonely {

    Beta beta;
}
