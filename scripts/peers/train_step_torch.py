#!/usr/bin/env python3
"""CPU time per training step of the PyTorch peer's model (train_torch.py: embedding 15,000 x 100 fine-tuned, dropout
0.25, LSTM 128 read at each text's last real step through pack_padded_sequence, dropout 0.5, linear, Adam 0.002,
gradients clipped at 1.0) on synthetic batches of 64 texts of T, T-1 and T-2 tokens: the same shapes as the
service's TrainingStepProbe. Timed in the process's CPU time (time.process_time), which a shared machine's other
work does not inflate; one thread by default. Prints one JSON line.
Usage: train_step_torch.py [T=10] [SECONDS=30] [THREADS=1]
"""
import json, random, sys, time

import torch
import torch.nn as nn

T = int(sys.argv[1]) if len(sys.argv) > 1 else 10
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 30
threads = int(sys.argv[3]) if len(sys.argv) > 3 else 1
torch.set_num_threads(threads)
torch.manual_seed(42)
rng = random.Random(3)
V, E, H, B = 15000, 100, 128, 64


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(V, E, padding_idx=0)
        self.drop_in = nn.Dropout(0.25)
        self.lstm = nn.LSTM(E, H, batch_first=True)
        self.drop = nn.Dropout(0.5)
        self.out = nn.Linear(H, 2)

    def forward(self, ids, lengths):
        x = self.drop_in(self.emb(ids))
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        _, (h, _) = self.lstm(packed)
        return self.out(self.drop(h[-1]))


net = Net()
opt = torch.optim.Adam(net.parameters(), lr=0.002)
loss_fn = nn.CrossEntropyLoss()
batches = []
for _ in range(20):
    lengths = [max(1, T - rng.randrange(3)) for _ in range(B)]
    ids = torch.zeros(B, max(lengths), dtype=torch.long)
    for r, n in enumerate(lengths):
        ids[r, :n] = torch.tensor([rng.randrange(2, V) for _ in range(n)])
    batches.append((ids, torch.tensor(lengths), torch.tensor([rng.randrange(2) for _ in range(B)])))


def run(limit):
    c0, t0, n = time.process_time(), time.time(), 0
    while time.time() - t0 < limit:
        ids, lengths, y = batches[n % len(batches)]
        opt.zero_grad()
        loss = loss_fn(net(ids, lengths), y)
        loss.backward()
        nn.utils.clip_grad_value_(net.parameters(), 1.0)
        opt.step()
        n += 1
    return n, (time.process_time() - c0) * 1000 / n, (time.time() - t0) * 1000 / n


net.train()
run(5)
n, cpu, wall = run(seconds)
print(json.dumps({"case": "torch-train-step", "T": T, "threads": threads, "batches": n, "cpuMsPerBatch": round(cpu, 2),
                  "wallMsPerBatch": round(wall, 2), "torch": torch.__version__}))
