package com.example.sentiment.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WordTableTest {

    @Test
    void numbersWordsInOrderOfFirstSightAndFindsThemAgainAfterGrowing() {
        MemoryBudget.Claim claim = new MemoryBudget.Claim(Long.MAX_VALUE, Long.MAX_VALUE);
        WordTable table = new WordTable(claim);
        int n = 50_000; // the table starts with 4,096 slots
        for (int i = 0; i < n; i++) {
            assertThat(table.idOf("w" + i)).isEqualTo(i);
        }
        // "Aa" and "BB" have the same String hash
        int aa = table.idOf("Aa");
        int bb = table.idOf("BB");
        assertThat(bb).isEqualTo(aa + 1);
        for (int i = n - 1; i >= 0; i -= 7) {
            assertThat(table.idOf(new String("w" + i))).isEqualTo(i);
        }
        assertThat(table.idOf("BB")).isEqualTo(bb);
        assertThat(table.size()).isEqualTo(n + 2);
        assertThat(table.word(1234)).isEqualTo("w1234");
        assertThat(claim.claimed()).isGreaterThanOrEqualTo((n + 2) * WordTable.BYTES_PER_WORD);
    }
}
