/**
 * A small application that breaks each package rule once, for {@code ModuleBoundariesTest}: its base class uses a
 * feature, {@code alpha} uses ND4J outside {@code ml} and an internal package of {@code beta}, {@code alpha} and
 * {@code beta} use each other, {@code beta.Lonely} is public with no user outside {@code beta}, and {@code ml}
 * uses an HTTP type. Nothing else reads these classes.
 */
package com.example.archfixture;
