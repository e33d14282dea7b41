package com.example.archfixture.beta.api;

/** In beta's named interface {@code api}. */
public class Exposed {
}
