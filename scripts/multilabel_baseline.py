#!/usr/bin/env python3
"""One-vs-rest TF-IDF + logistic-regression baseline for a multi-label corpus (scripts/make-multilabel-corpus.py).

scikit-learn is not installable here (PyPI is unreachable), so this is written with numpy and scipy (both present
in the machine's python3): the same pieces scikit-learn would use, spelled out.
  - TF-IDF as TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True) does it: lower case, tokens
    \\b\\w\\w+\\b, idf = ln((1 + n) / (1 + df)) + 1, each row L2-normalised; fitted on the training rows only.
  - One binary logistic regression per label (L2, as LogisticRegression(C=C)), fitted with scipy's L-BFGS.
  - C from {0.3, 1, 3, 10, 30} and each label's threshold are chosen on the validation rows, the way the service
    chooses its thresholds: the cut that maximises the label's F1, 0.5 for a label with fewer than 3 positives.
  - Figures on the test rows as scikit-learn defines them: micro-/macro-F1, Hamming loss, subset accuracy,
    with the service's standard error sqrt(f (1 - f) / n).
Usage: python3 scripts/multilabel_baseline.py DIR   (DIR holds train.csv, validation.csv, test.csv)
"""
import csv
import json
import math
import re
import sys
import time

import numpy as np
from scipy import sparse
from scipy.optimize import minimize

TOKEN = re.compile(r"(?u)\b\w\w+\b")


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [r["text"] for r in rows], [set(l for l in r["label"].split("|") if l) for r in rows]


def grams(text):
    t = TOKEN.findall(text.lower())
    return t + [a + " " + b for a, b in zip(t, t[1:])]


def fit_tfidf(texts):
    df = {}
    for text in texts:
        for g in set(grams(text)):
            df[g] = df.get(g, 0) + 1
    vocab = {g: i for i, g in enumerate(sorted(g for g, c in df.items() if c >= 2))}
    n = len(texts)
    idf = np.zeros(len(vocab))
    for g, i in vocab.items():
        idf[i] = math.log((1 + n) / (1 + df[g])) + 1
    return vocab, idf


def transform(texts, vocab, idf):
    rows, cols, vals = [], [], []
    for r, text in enumerate(texts):
        counts = {}
        for g in grams(text):
            i = vocab.get(g)
            if i is not None:
                counts[i] = counts.get(i, 0) + 1
        if not counts:
            continue
        idx = np.array(list(counts.keys()))
        v = (1 + np.log(np.array(list(counts.values()), dtype=float))) * idf[idx]
        v /= np.linalg.norm(v)
        rows += [r] * len(idx)
        cols += idx.tolist()
        vals += v.tolist()
    return sparse.csr_matrix((vals, (rows, cols)), shape=(len(texts), len(vocab)))


def fit_logistic(X, y, C):
    """min 1/2 |w|^2 + C sum log(1 + exp(-s (Xw + b))), s = +-1: LogisticRegression's objective (bias unpenalised)."""
    s = 2.0 * y - 1.0
    d = X.shape[1]

    def f(p):
        w, b = p[:d], p[d]
        z = s * (X @ w + b)
        loss = 0.5 * w @ w + C * np.sum(np.logaddexp(0, -z))
        g = -C * s * (1 / (1 + np.exp(z)))
        return loss, np.concatenate([w + X.T @ g, [g.sum()]])

    return minimize(f, np.zeros(d + 1), jac=True, method="L-BFGS-B", options={"maxiter": 500}).x


def probabilities(X, params):
    d = X.shape[1]
    return np.column_stack([1 / (1 + np.exp(-(X @ p[:d] + p[d]))) for p in params])


def tune(p, truth):
    out = []
    for c in range(p.shape[1]):
        pos = truth[:, c].sum()
        if pos < 3:
            out.append(0.5)
            continue
        order = np.argsort(-p[:, c], kind="stable")
        ps, ts = p[order, c], truth[order, c]
        tp = np.cumsum(ts)
        k = np.arange(1, len(ps) + 1)
        f1 = 2 * tp / (k + pos)
        nxt = np.append(ps[1:], 0.0)
        f1[:-1][ps[:-1] == nxt[:-1]] = -1  # cuts only between different probabilities
        best = int(np.argmax(f1))
        out.append((ps[best] + nxt[best]) / 2)
    return np.array(out)


def figures(truth, pred):
    tp = (truth & pred).sum(0)
    fp = (~truth & pred).sum(0)
    fn = (truth & ~pred).sum(0)
    f1 = np.where(2 * tp + fp + fn > 0, 2 * tp / np.maximum(1, 2 * tp + fp + fn), 0.0)
    micro = 2 * tp.sum() / max(1, 2 * tp.sum() + fp.sum() + fn.sum())
    n = len(truth)
    return {"microF1": micro, "microF1StandardError": math.sqrt(micro * (1 - micro) / n), "macroF1": f1.mean(),
            "hammingLoss": float((truth != pred).mean()), "subsetAccuracy": float((truth == pred).all(1).mean()),
            "examples": n, "perLabelF1": f1.round(4).tolist()}


def main():
    d = sys.argv[1]
    start = time.time()
    train_x, train_y = read(d + "/train.csv")
    val_x, val_y = read(d + "/validation.csv")
    test_x, test_y = read(d + "/test.csv")
    labels = sorted(set().union(*train_y))
    hot = lambda ys: np.array([[l in y for l in labels] for y in ys])
    vocab, idf = fit_tfidf(train_x)
    Xtr, Xva, Xte = (transform(t, vocab, idf) for t in (train_x, val_x, test_x))
    Ytr, Yva, Yte = hot(train_y), hot(val_y), hot(test_y)
    best = None
    for C in (0.3, 1, 3, 10, 30):
        params = [fit_logistic(Xtr, Ytr[:, c].astype(float), C) for c in range(len(labels))]
        pv = probabilities(Xva, params)
        t = tune(pv, Yva)
        score = figures(Yva, pv >= t)["microF1"]
        print(f"C={C}: validation micro-F1 {score:.4f}", file=sys.stderr)
        if best is None or score > best[0]:
            best = (score, C, params, t)
    _, C, params, t = best
    result = figures(Yte, probabilities(Xte, params) >= t)
    result.update({"labels": labels, "C": C, "features": len(vocab), "thresholds": t.round(4).tolist(),
                   "seconds": round(time.time() - start, 1)})
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
