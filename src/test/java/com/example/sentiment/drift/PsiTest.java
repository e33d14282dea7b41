package com.example.sentiment.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The population stability index on examples worked out by hand. */
class PsiTest {

    @Test
    void twoBinsWorkedOutByHand() {
        // shares 0.3/0.7 against 0.5/0.5: (0.3-0.5)ln(0.3/0.5) + (0.7-0.5)ln(0.7/0.5)
        //   = (-0.2)(-0.510826) + (0.2)(0.336472) = 0.102165 + 0.067294 = 0.169460
        assertThat(Psi.of(new long[] {30, 70}, new long[] {50, 50})).isCloseTo(0.169460, within(1e-6));
        // the index is symmetric in its two sides, and the totals need not match
        assertThat(Psi.of(new long[] {500, 500}, new long[] {3, 7})).isCloseTo(0.169460, within(1e-6));
    }

    @Test
    void threeBinsWorkedOutByHand() {
        // shares 0.2/0.3/0.5 against 0.25/0.25/0.5:
        //   (-0.05)ln(0.8) + (0.05)ln(1.2) + 0 = 0.011157 + 0.009116 = 0.020273
        assertThat(Psi.of(new long[] {2, 3, 5}, new long[] {25, 25, 50})).isCloseTo(0.020273, within(1e-6));
    }

    @Test
    void anEmptyBinCountsAsTheSmallShareNotAsInfinity() {
        // live 0/1 against 0.5/0.5: (1e-4 - 0.5)ln(1e-4/0.5) + (1 - 0.5)ln(1/0.5)
        //   = (-0.4999)(-8.517193) + 0.5(0.693147) = 4.257745 + 0.346574 = 4.604319
        assertThat(Psi.of(new long[] {0, 100}, new long[] {50, 50})).isCloseTo(4.604319, within(1e-5));
        // a bin empty on both sides adds nothing
        assertThat(Psi.of(new long[] {30, 70, 0}, new long[] {50, 50, 0})).isCloseTo(0.169460, within(1e-6));
    }

    @Test
    void identicalSharesGiveZeroAndNoCountsGiveNaN() {
        assertThat(Psi.of(new long[] {1, 2, 3}, new long[] {10, 20, 30})).isCloseTo(0, within(1e-12));
        assertThat(Psi.of(new long[] {0, 0}, new long[] {1, 1})).isNaN();
        assertThat(Psi.of(new long[] {1, 1}, new long[] {0, 0})).isNaN();
    }

    @Test
    void histogramsOfDifferentBinsAreRefused() {
        assertThatThrownBy(() -> Psi.of(new long[] {1, 2}, new long[] {1, 2, 3}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
