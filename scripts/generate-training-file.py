#!/usr/bin/env python3
"""Writes a labelled CSV (text,label) of about SIZE MiB for the ingestion benchmark.

Each row joins one to three random phrases of SST-2 train (same label), some rewritten as people type
("doesn't", "film's"), so tokens, words and row lengths look like real reviews (about 115 bytes a row).
Usage: generate-training-file.py SIZE_MIB OUT [SOURCE_CSV] [SEED]
"""
import csv
import random
import sys

size = int(float(sys.argv[1]) * 1024 * 1024)
out = sys.argv[2]
source = sys.argv[3] if len(sys.argv) > 3 else "../shared/datasets/sst2/train.csv"
random.seed(int(sys.argv[4]) if len(sys.argv) > 4 else 7)

by_label = {}
with open(source, newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        by_label.setdefault(row["label"], []).append(row["text"])
labels = sorted(by_label)


def typed(text):
    return text.replace(" n't", "n't").replace(" 's", "'s").replace(" ,", ",").replace(" .", ".")


written = 0
rows = 0
with open(out, "w", newline="", encoding="utf-8") as f:
    writer = csv.writer(f, lineterminator="\n")
    writer.writerow(["text", "label"])
    while True:
        label = random.choice(labels)
        text = " ".join(random.choice(by_label[label]) for _ in range(random.choice((1, 2, 2, 3))))
        if random.random() < 0.3:
            text = typed(text)
        line_bytes = len(text.encode("utf-8")) + len(label) + 4
        if written + line_bytes > size - 64:
            break
        writer.writerow([text, label])
        written += line_bytes
        rows += 1
print(rows)
