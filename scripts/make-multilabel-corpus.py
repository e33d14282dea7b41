#!/usr/bin/env python3
"""Builds a multi-label corpus from the single-label data the project has (TREC questions, SST-5 sentences).

Each row joins a TREC question and an SST-5 sentence, or has only one of them, in random order:
  - a question brings its TREC type as a label (q:ABBR, q:DESC, q:ENTY, q:HUM, q:LOC, q:NUM);
  - a sentence brings its polarity: SST-5 "very negative"/"negative" -> negative, "positive"/"very positive"
    -> positive; a neutral sentence brings no label (its text is there, no label says so).
So a row has 0 to 2 labels (a neutral sentence alone is left out: rows have at least one label), and the label
column holds them joined by '|' (for example "q:HUM|negative").

Each source sentence is used at most once, and the test, validation and training rows draw from disjoint parts
of the sources (a seeded shuffle of each source, cut 20% / 10% / 70%), so no test text shares a part with a
training text. Output: OUT/{train,validation,test}.csv with header text,label.

Usage: python3 scripts/make-multilabel-corpus.py [--rows 8000] [--seed 7] [--out /tmp/multilabel]
       [--datasets /work/shared/datasets]
Only the Python standard library is used.
"""
import argparse
import csv
import os
import random

POLARITY = {"very negative": "negative", "negative": "negative", "neutral": None,
            "positive": "positive", "very positive": "positive"}


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return [(r["text"].strip(), r["label"].strip()) for r in csv.DictReader(f) if r["text"].strip()]


def cut(rows, rng):
    rows = list(rows)
    rng.shuffle(rows)
    n = len(rows)
    a, b = int(n * 0.2), int(n * 0.3)
    return {"test": rows[:a], "validation": rows[a:b], "train": rows[b:]}


def build(questions, sentences, count, rng):
    out = []
    qi = si = 0
    while len(out) < count and (qi < len(questions) or si < len(sentences)):
        # 50%: both parts; 25%: a question alone; 25%: a sentence alone
        r = rng.random()
        take_q = r < 0.75 and qi < len(questions)
        take_s = (r < 0.5 or r >= 0.75) and si < len(sentences)
        if not take_q and not take_s:
            take_q, take_s = qi < len(questions), si < len(sentences)
        parts, labels = [], set()
        if take_q:
            text, label = questions[qi]
            qi += 1
            parts.append(text)
            labels.add("q:" + label)
        if take_s:
            text, label = sentences[si]
            si += 1
            parts.append(text)
            if POLARITY[label]:
                labels.add(POLARITY[label])
        if not labels:
            continue  # a neutral sentence alone: a row without any label says nothing here
        rng.shuffle(parts)
        out.append((" ".join(parts), "|".join(sorted(labels))))
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=8000, help="rows over the three files together")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--out", default="/tmp/multilabel")
    p.add_argument("--datasets", default="/work/shared/datasets")
    a = p.parse_args()
    rng = random.Random(a.seed)
    questions = cut(read(os.path.join(a.datasets, "trec", "train.csv")), rng)
    sentences = cut(read(os.path.join(a.datasets, "sst5", "train.csv")), rng)
    os.makedirs(a.out, exist_ok=True)
    share = {"train": 0.7, "validation": 0.1, "test": 0.2}
    for part in ("train", "validation", "test"):
        rows = build(questions[part], sentences[part], int(a.rows * share[part]), rng)
        with open(os.path.join(a.out, part + ".csv"), "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["text", "label"])
            w.writerows(rows)
        combos = {}
        for _, label in rows:
            combos[label] = combos.get(label, 0) + 1
        print(part, len(rows), "rows,", len(combos), "label combinations")


if __name__ == "__main__":
    main()
