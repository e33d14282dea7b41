/**
 * The PostgreSQL adapter of the active-version pointer. A named interface of {@code model} because
 * {@code training}'s PostgreSQL queue moves this pointer in the transaction that finishes a job; every other
 * sub-package of a feature is internal to it ({@code ModuleBoundariesTest}).
 */
@NamedInterface("postgres")
package com.example.sentiment.model.postgres;

import org.springframework.modulith.NamedInterface;
