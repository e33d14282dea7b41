package com.example.sentiment.drift;

/**
 * The population stability index of two histograms over the same bins: the sum over bins of
 * {@code (live - reference) * ln(live / reference)}, each side as shares of its own total. A bin empty on one
 * side counts as {@link #EMPTY_SHARE} there, so that one empty bin does not make the index infinite. 0 for
 * identical shares; by the usual convention below 0.1 is no shift, 0.1 to 0.25 a moderate one, above 0.25 a
 * large one.
 */
final class Psi {

    /** The share a bin empty on one side is taken to have. */
    static final double EMPTY_SHARE = 1e-4;

    private Psi() {
    }

    /** The index of {@code live} against {@code reference}; NaN when either side has no counts. */
    static double of(long[] live, long[] reference) {
        if (live.length != reference.length) {
            throw new IllegalArgumentException("the histograms have " + live.length + " and " + reference.length
                    + " bins");
        }
        double liveTotal = sum(live);
        double referenceTotal = sum(reference);
        if (liveTotal == 0 || referenceTotal == 0) {
            return Double.NaN;
        }
        double psi = 0;
        for (int i = 0; i < live.length; i++) {
            if (live[i] == 0 && reference[i] == 0) {
                continue;
            }
            double a = Math.max(live[i] / liveTotal, EMPTY_SHARE);
            double e = Math.max(reference[i] / referenceTotal, EMPTY_SHARE);
            psi += (a - e) * Math.log(a / e);
        }
        return psi;
    }

    private static double sum(long[] counts) {
        double total = 0;
        for (long c : counts) {
            total += c;
        }
        return total;
    }
}
