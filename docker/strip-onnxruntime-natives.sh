#!/bin/sh
# Rewrites the ONNX Runtime jar(s) of a Spring Boot lib folder (BOOT-INF/lib of the extracted layers) without the
# native libraries of platforms the image never runs. The onnxruntime jar carries them for linux-x64,
# linux-aarch64, osx-aarch64 (with debug symbols) and win-x64: 54 MB of jar, of which the image needs the
# linux-x64 library only (about 12 MB compressed). Nothing else in the jar changes, and its name stays, so the
# layer index and class path index still hold.
#
#   docker/strip-onnxruntime-natives.sh /build/extracted/dependencies/BOOT-INF/lib [platform]
#
# platform: the folder under ai/onnxruntime/native/ to keep, linux-x64 by default (the image's ND4J natives are
# linux-x86_64 only too). Needs only the JDK's jar tool. Fails when a jar has no natives for that platform, so that an image
# cannot be built that would fail at its first encoder call.
set -eu

lib=${1:?usage: $0 LIB_DIR [platform]}
keep=${2:-linux-x64}
lib=$(cd "$lib" && pwd)

found=false
for jar_file in "$lib"/onnxruntime-*.jar; do
  [ -f "$jar_file" ] || continue
  found=true
  work=$(mktemp -d)
  (cd "$work" && jar xf "$jar_file")
  [ -d "$work/ai/onnxruntime/native/$keep" ] || {
    echo "$jar_file has no ai/onnxruntime/native/$keep" >&2
    rm -rf "$work"
    exit 1
  }
  for dir in "$work"/ai/onnxruntime/native/*/; do
    [ "$(basename "$dir")" = "$keep" ] || rm -rf "$dir"
  done
  before=$(wc -c <"$jar_file")
  # the jar's own manifest, written first as in the original
  jar --create --file "$jar_file.stripped" --manifest "$work/META-INF/MANIFEST.MF" -C "$work" .
  mv "$jar_file.stripped" "$jar_file"
  rm -rf "$work"
  echo "$(basename "$jar_file"): $before -> $(wc -c <"$jar_file") bytes (natives kept: $keep)"
done
[ "$found" = true ] || { echo "no onnxruntime-*.jar in $lib" >&2; exit 1; }
