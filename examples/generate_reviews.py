#!/usr/bin/env python3
"""Writes examples/reviews.csv: short movie-review sentences written for this project, labelled negative or positive.

Every sentence is composed here from the phrases below (no text from any dataset), so the file can ship with the
repository. The output is deterministic: running the script again writes the same file.
Usage: python3 examples/generate_reviews.py [OUT] (default: examples/reviews.csv next to this script)
"""
import csv
import os
import random
import sys

# Whole sentences, written as people write short reviews.
POSITIVE_SENTENCES = [
    "A moving, beautifully acted film.",
    "I laughed from the first scene to the last.",
    "The best thing I have seen in a cinema this year.",
    "Warm, funny and smarter than it needs to be.",
    "The two leads have real chemistry.",
    "A gripping thriller that never lets go.",
    "I went in expecting little and came out delighted.",
    "Gorgeous to look at and lovely to listen to.",
    "It earns every one of its tears.",
    "Tight script, sharp dialogue, no wasted minutes.",
    "My kids loved it and so did I.",
    "A small story told with enormous care.",
    "The ending made the whole theatre cheer.",
    "Quietly brilliant from start to finish.",
    "I would happily watch it again tomorrow.",
    "Clever, kind and very funny.",
    "The score alone is worth the ticket.",
    "A rare sequel that improves on the original.",
    "Every performance rings true.",
    "It swept me up and did not let me down.",
    "Fresh, bold and full of heart.",
    "The director knows exactly what she is doing.",
    "An absolute joy.",
    "I did not look at my watch once.",
    "Funny without being cruel, sad without being soppy.",
    "The kind of film you want to tell your friends about.",
    "A thoughtful drama with a superb cast.",
    "Not a single false note.",
    "It looks cheap, but the story is so good that it does not matter.",
    "Slow at first, then completely absorbing.",
]

NEGATIVE_SENTENCES = [
    "Dull and far too long.",
    "I nearly fell asleep halfway through.",
    "The plot makes no sense at all.",
    "A waste of a talented cast.",
    "Loud, messy and strangely boring.",
    "The jokes fall flat one after another.",
    "I wanted my two hours back.",
    "Nobody in it seems to care, so why should I?",
    "The ending is a cheap trick.",
    "Clumsy writing and wooden acting.",
    "It drags on and on and goes nowhere.",
    "A sequel nobody asked for.",
    "The dialogue is painful to sit through.",
    "All style and no substance.",
    "I gave up after an hour.",
    "Predictable from the very first scene.",
    "The effects cannot save a story this thin.",
    "Neither funny nor moving.",
    "A lazy copy of better films.",
    "The lead looks bored in every scene.",
    "Too silly to take seriously and too dull to enjoy.",
    "It is not bad enough to be fun, just bad.",
    "The music is nice, but nothing else works.",
    "Confusing, shallow and forgettable.",
    "I kept waiting for something to happen.",
    "A great cast wasted on a terrible script.",
    "Every twist is obvious an hour in advance.",
    "The editing is so choppy I lost track of who was who.",
    "Pretty pictures, empty story.",
    "Avoid it.",
]

# Parts of composed sentences.
SUBJECTS = ["The film", "This movie", "The story", "The script", "The acting", "The cast", "The direction",
            "The second half", "The opening", "The soundtrack", "The camera work", "The screenplay",
            "The lead performance", "The finale", "The humour", "The pacing"]
POSITIVE_PREDICATES = ["is wonderful", "is a delight", "works beautifully", "is full of surprises",
                       "is genuinely touching", "is superb", "kept me hooked", "is a real pleasure", "feels fresh",
                       "is excellent", "left me smiling", "is a treat", "is first rate", "won me over"]
NEGATIVE_PREDICATES = ["is a mess", "is tedious", "falls apart", "is dull", "feels lazy", "is awful",
                       "left me cold", "is clumsy", "is a chore", "is forgettable", "is badly judged", "is flat",
                       "is irritating", "is a letdown", "wore me out"]
POSITIVE_TAILS = ["", "", " and I loved it", ", highly recommended", ", what a pleasure", " from the first minute",
                  ", and the cast is great too", ", even on a second viewing"]
NEGATIVE_TAILS = ["", "", " and I hated it", ", sadly", ", what a shame", " from the first minute",
                  ", and the cast cannot save it", ", even for a rainy afternoon"]
POSITIVE_OPENERS = ["Honestly, ", "To my surprise, ", "Simply put, ", "In short, ", ""]
NEGATIVE_OPENERS = ["Honestly, ", "Sadly, ", "Simply put, ", "In short, ", ""]


def composed(rng, predicates, tails, openers):
    opener = rng.choice(openers)
    subject = rng.choice(SUBJECTS)
    if opener:
        subject = subject[0].lower() + subject[1:]
    return f"{opener}{subject} {rng.choice(predicates)}{rng.choice(tails)}."


def sentences(label, sentences_written, predicates, tails, openers, count, rng):
    chosen = list(sentences_written)
    seen = set(chosen)
    while len(chosen) < count:
        s = composed(rng, predicates, tails, openers)
        if s not in seen:
            seen.add(s)
            chosen.append(s)
    return [(s, label) for s in chosen]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "reviews.csv")
    rng = random.Random(30)
    rows = (sentences("positive", POSITIVE_SENTENCES, POSITIVE_PREDICATES, POSITIVE_TAILS, POSITIVE_OPENERS, 150, rng)
            + sentences("negative", NEGATIVE_SENTENCES, NEGATIVE_PREDICATES, NEGATIVE_TAILS, NEGATIVE_OPENERS, 150, rng))
    rng.shuffle(rows)
    with open(out, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["text", "label"])
        writer.writerows(rows)


if __name__ == "__main__":
    main()
