package com.example.archfixture.beta.internal;

/** Public, but in a sub-package that no named interface exposes: internal to beta. */
public class Hidden {
}
