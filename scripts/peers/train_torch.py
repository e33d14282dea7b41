#!/usr/bin/env python3
"""PyTorch peer of the service's default training job, for side-by-side speed figures (bench-train.sh).

Same data, model size and batching as the service's default: lower-cased treebank tokens (the SST-2 files
are already tokenised), an embedding of 100 dimensions started from the same GloVe file when given (or
random), dropout 0.25 on it, a one-direction LSTM of 128 units read at each text's last real step
(pack_padded_sequence), dropout 0.5, softmax over the labels; Adam at 0.002, gradients clipped at 1.0,
batches of 64 texts of similar length (sorted within pools of 50 batches, batch order shuffled), one
validation pass after the epoch. Prints one JSON line: tokens/s and examples/s over training time only
(validation excluded), and the validation accuracy.
"""
import argparse, csv, json, random, sys, time

import torch
import torch.nn as nn


def read(path, text_col="text", label_col="label"):
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = [(r[text_col], r[label_col]) for r in csv.DictReader(f) if r[text_col].strip() and r[label_col].strip()]
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--vectors")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--units", type=int, default=128)
    ap.add_argument("--max-length", type=int, default=100)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    random.seed(a.seed)

    rows = read(a.data)
    random.shuffle(rows)
    n_val = max(1, len(rows) // 10)
    val, train = rows[:n_val], rows[n_val:]
    labels = sorted({l for _, l in rows})
    tokens = lambda t: t.lower().split()[: a.max_length]
    vocab = {"<pad>": 0, "<unk>": 1}
    for t, _ in train:
        for w in tokens(t):
            vocab.setdefault(w, len(vocab))
    enc = lambda t: [vocab.get(w, 1) for w in tokens(t)] or [1]
    train_ids = [(enc(t), labels.index(l)) for t, l in train]
    val_ids = [(enc(t), labels.index(l)) for t, l in val]

    dim = 100
    emb = nn.Embedding(len(vocab), dim, padding_idx=0)
    if a.vectors:
        with torch.no_grad(), open(a.vectors, encoding="utf-8") as f:
            for line in f:
                parts = line.rstrip().split(" ")
                i = vocab.get(parts[0])
                if i is not None and len(parts) == dim + 1:
                    emb.weight[i] = torch.tensor([float(x) for x in parts[1:]])

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = emb
            self.drop_in = nn.Dropout(0.25)
            self.lstm = nn.LSTM(dim, a.units, batch_first=True)
            self.drop = nn.Dropout(0.5)
            self.out = nn.Linear(a.units, len(labels))

        def forward(self, ids, lengths):
            x = self.drop_in(self.emb(ids))
            packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
            _, (h, _) = self.lstm(packed)
            return self.out(self.drop(h[-1]))

    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=0.002)
    loss_fn = nn.CrossEntropyLoss()

    def batches(data, shuffle):
        idx = list(range(len(data)))
        if shuffle:
            random.shuffle(idx)
            pool = 50 * a.batch
            idx = [i for p in range(0, len(idx), pool) for i in sorted(idx[p:p + pool], key=lambda i: len(data[i][0]))]
        else:
            idx.sort(key=lambda i: len(data[i][0]))
        out = [idx[i:i + a.batch] for i in range(0, len(idx), a.batch)]
        if shuffle:
            random.shuffle(out)
        for b in out:
            seqs = [data[i][0] for i in b]
            lengths = torch.tensor([len(s) for s in seqs])
            ids = torch.zeros(len(seqs), int(lengths.max()), dtype=torch.long)
            for r, s in enumerate(seqs):
                ids[r, : len(s)] = torch.tensor(s)
            yield ids, lengths, torch.tensor([data[i][1] for i in b])

    train_seconds = 0.0
    train_tokens = sum(len(s) for s, _ in train_ids)
    for _ in range(a.epochs):
        net.train()
        start = time.perf_counter()
        for ids, lengths, y in batches(train_ids, True):
            opt.zero_grad()
            loss = loss_fn(net(ids, lengths), y)
            loss.backward()
            nn.utils.clip_grad_value_(net.parameters(), 1.0)
            opt.step()
        train_seconds += time.perf_counter() - start
    net.eval()
    correct = 0
    with torch.no_grad():
        for ids, lengths, y in batches(val_ids, False):
            correct += int((net(ids, lengths).argmax(1) == y).sum())
    print(json.dumps({"case": "torch-peer", "threads": a.threads, "epochs": a.epochs,
                      "trainExamples": len(train_ids), "epochSeconds": round(train_seconds / a.epochs, 1),
                      "examplesPerSecond": round(len(train_ids) * a.epochs / train_seconds, 1),
                      "tokensPerSecond": round(train_tokens * a.epochs / train_seconds),
                      "validationAccuracy": round(correct / len(val_ids), 4), "torch": torch.__version__}))


if __name__ == "__main__":
    sys.exit(main())
