#!/usr/bin/env python3
"""Accuracy benchmark against a running service (see benchmark-accuracy.sh).

Either trains through the API (--train CSV, optional --config JSON, --holdout 0.1 to split off an
evaluation set from the training file) or uses a stored model (--model-id, or the active one), then
classifies --eval CSV through /api/v1/classify/batch and prints one JSON object: accuracy, macro-F1,
per-label F1, examples, training seconds.
"""
import argparse, csv, json, random, sys, time, urllib.request, urllib.error, uuid


def request(base, method, path, body=None, headers=None):
    req = urllib.request.Request(base + path, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=600) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return [(row["text"], row["label"]) for row in csv.DictReader(f)]


def to_csv(rows):
    import io
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["text", "label"])
    w.writerows(rows)
    return out.getvalue().encode("utf-8")


def typed(text):
    """The same sentence as a person would type it: contractions joined, punctuation attached, quotes, a capital."""
    import re
    t = re.sub(r" (n't|'s|'re|'ve|'ll|'d|'m)\b", r"\1", text)
    t = re.sub(r" ([,.;:!?%])", r"\1", t)
    t = re.sub(r"`` ?(.*?) ?''", r'"\1"', t)
    t = t.replace(" -- ", " - ").replace("\\/", "/")
    return t[:1].upper() + t[1:]


def multipart(parts):
    boundary = uuid.uuid4().hex
    body = b""
    for name, filename, content in parts:
        disp = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        body += f"--{boundary}\r\nContent-Disposition: {disp}\r\n\r\n".encode() + content + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base", default="http://localhost:8080")
    p.add_argument("--train")
    p.add_argument("--eval")
    p.add_argument("--holdout", type=float, default=0.0)
    p.add_argument("--config", default="{}")
    p.add_argument("--model-id")
    p.add_argument("--name", default="benchmark")
    p.add_argument("--typed", action="store_true", help="evaluate on the texts rewritten as people type them")
    p.add_argument("--target", type=float, help="accuracy the issue asks for; the line says whether it is met")
    p.add_argument("--target-f1", type=float, help="macro-F1 the issue asks for")
    p.add_argument("--baseline", type=float, help="TF-IDF + logistic regression accuracy; the target is at least +0.02")
    a = p.parse_args()
    base = a.base.rstrip("/")
    eval_rows = read_csv(a.eval) if a.eval else []
    train_seconds = None
    model_id = a.model_id
    candidates = []
    if a.train:
        rows = read_csv(a.train)
        if a.holdout > 0:
            random.Random(42).shuffle(rows)
            cut = int(len(rows) * a.holdout)
            eval_rows, rows = rows[:cut], rows[cut:]
        config = json.loads(a.config)
        config.setdefault("activate", False)
        body, headers = multipart([("data", "train.csv", to_csv(rows)), ("config", None, json.dumps(config).encode())])
        status, job = request(base, "POST", "/api/v1/training-jobs", body, headers)
        if status != 202:
            sys.exit(f"training refused: {status} {job}")
        started = time.time()
        while job["state"] in ("QUEUED", "RUNNING"):
            time.sleep(5)
            _, job = request(base, "GET", "/api/v1/training-jobs/" + job["id"])
            print(f"  {job['state']} {job['progress']['percent']}% epoch {job['progress']['epoch']}", file=sys.stderr)
        if job["state"] != "SUCCEEDED":
            sys.exit(f"training ended {job['state']}: {job.get('error')}")
        train_seconds = round(time.time() - started, 1)
        model_id = job["modelId"]
        # what the configuration search tried, and why it kept what it kept
        candidates = [{k: c.get(k) for k in ("name", "validationMacroF1", "validationMacroF1StandardError", "epochs",
                                             "trainingSeconds", "chosen", "note", "ensemble")} for c in job.get("candidates") or []]
    if a.typed:
        eval_rows = [(typed(t), l) for t, l in eval_rows]
    gold, predicted = [], []
    for i in range(0, len(eval_rows), 256):
        chunk = eval_rows[i:i + 256]
        payload = {"texts": [t for t, _ in chunk]}
        if model_id:
            payload["modelId"] = model_id
        status, answer = request(base, "POST", "/api/v1/classify/batch", json.dumps(payload).encode(),
                                 {"Content-Type": "application/json"})
        if status != 200:
            sys.exit(f"classify failed: {status} {answer}")
        model_id = answer["modelId"]
        gold += [l for _, l in chunk]
        predicted += [r["label"] for r in answer["results"]]
    labels = sorted(set(gold) | set(predicted))
    per_label = {}
    for label in labels:
        tp = sum(1 for g, q in zip(gold, predicted) if g == label and q == label)
        fp = sum(1 for g, q in zip(gold, predicted) if g != label and q == label)
        fn = sum(1 for g, q in zip(gold, predicted) if g == label and q != label)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        per_label[label] = round(2 * prec * rec / (prec + rec), 4) if prec + rec else 0.0
    accuracy = sum(1 for g, q in zip(gold, predicted) if g == q) / len(gold)
    macro_f1 = sum(per_label.values()) / len(per_label)
    line = {"modelId": model_id, "train": a.train, "eval": (a.eval or f"{a.holdout:.0%} of train") + (" (typed)" if a.typed else ""),
            "examples": len(gold), "accuracy": round(accuracy, 4),
            "accuracyStandardError": round((accuracy * (1 - accuracy) / len(gold)) ** 0.5, 4),
            "macroF1": round(macro_f1, 4), "perLabelF1": per_label, "trainingSeconds": train_seconds}
    if candidates:
        line["candidates"] = candidates
    targets = {}
    if a.target is not None:
        targets["accuracy"] = {"target": a.target, "met": accuracy >= a.target}
    if a.target_f1 is not None:
        targets["macroF1"] = {"target": a.target_f1, "met": macro_f1 >= a.target_f1}
    if a.baseline is not None:
        targets["baselinePlus2"] = {"target": round(a.baseline + 0.02, 4), "met": accuracy >= a.baseline + 0.02}
    if targets:
        line["targets"] = targets
    print(json.dumps(line))


if __name__ == "__main__":
    main()
