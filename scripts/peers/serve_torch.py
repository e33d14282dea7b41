#!/usr/bin/env python3
"""FastAPI + PyTorch peer of the service's /api/v1/classify, for side-by-side serving figures (bench-classify.sh).

The same model size as the bundled model (the model folder's vocabulary, embedding 100, one-direction LSTM of
128 units read at the last token, softmax over its labels; weights are random: speed does not depend on
them), lower-cased whitespace tokens, one torch thread per worker process. Run it with uvicorn and 2
workers, as a Python team would deploy it:

    MODEL_DIR=models/<id> python3 -m uvicorn --app-dir scripts/peers serve_torch:app --workers 2 --port 18300
"""
import os

import torch
import torch.nn as nn
from fastapi import FastAPI
from pydantic import BaseModel

torch.set_num_threads(1)
model_dir = os.environ["MODEL_DIR"]
with open(os.path.join(model_dir, "vocabulary.txt"), encoding="utf-8") as f:
    vocab = {w.rstrip("\n"): i for i, w in enumerate(f)}
with open(os.path.join(model_dir, "labels.txt"), encoding="utf-8") as f:
    labels = [l.strip() for l in f if l.strip()]


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(len(vocab), 100)
        self.lstm = nn.LSTM(100, 128, batch_first=True)
        self.out = nn.Linear(128, len(labels))

    def forward(self, ids):
        _, (h, _) = self.lstm(self.emb(ids))
        return torch.softmax(self.out(h[-1]), dim=1)


net = Net().eval()
app = FastAPI()


class Request(BaseModel):
    text: str


@app.post("/api/v1/classify")
def classify(request: Request):
    ids = [vocab.get(w, 1) for w in request.text.lower().split()[:100]] or [1]
    with torch.no_grad():
        p = net(torch.tensor([ids]))[0].tolist()
    best = max(range(len(p)), key=p.__getitem__)
    return {"label": labels[best], "confidence": p[best], "scores": dict(zip(labels, p)), "tokens": len(ids)}


@app.get("/health")
def health():
    return {"status": "UP"}
