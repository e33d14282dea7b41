#!/usr/bin/env python3
"""Shares of a service's JFR execution samples by layer of the HTTP path (issue 26 item 3).

Usage: jfr print --events jdk.ExecutionSample --stack-depth 300 REC.jfr > samples.txt
       scripts/jfr_layers.py samples.txt [HH:MM:SS] [THREAD_PREFIX]
HH:MM:SS keeps samples from then on (the load window, after the warm-up); THREAD_PREFIX keeps one thread group
(http-nio for Tomcat's request threads, inference for the workers). A sample goes to the leaf-most frame that
belongs to a layer, so time in a JDK collection called by Jackson counts as Jackson, and a filter counts only
for its own code, not for the chain it calls. Threads in native code (ONNX Runtime's forward pass) are not
execution samples: perf or the per-thread CPU split shows them.
"""
import collections
import re
import sys

# first match wins: the specific layers come before the frameworks that call them
LAYERS = [
    ("observation (Micrometer, ServerHttpObservationFilter)",
     r"(io\.micrometer|org\.HdrHistogram|org\.springframework\.web\.filter\.ServerHttpObservationFilter"
     r"|org\.springframework\.http\.server\.observation)"),
    ("service metrics (ClassificationMetrics)", r"com\.example\.sentiment\.classification\.ClassificationMetrics"),
    ("Jackson read/write", r"(tools\.jackson|com\.fasterxml\.jackson|org\.springframework\.http\.converter)"),
    ("logging", r"(ch\.qos\.logback|org\.slf4j|org\.apache\.logging)"),
    ("tokenising", r"com\.example\.sentiment\.ml\.(Tokenizer|WordPieceTokenizer|Vocabulary|TokenIds)"),
    ("model forward pass (ml/, ONNX Runtime, ND4J)",
     r"(com\.example\.sentiment\.ml|ai\.onnxruntime|org\.nd4j|org\.deeplearning4j|org\.bytedeco)"),
    ("batcher hand-off", r"com\.example\.sentiment\.classification\.InferenceBatcher"),
    ("service and controller", r"com\.example\.sentiment\.classification"),
    ("project filters", r"com\.example\.sentiment\.(system|model)\.\w*(Filter|Valve)"),
    ("bean validation", r"(org\.hibernate\.validator|jakarta\.validation)"),
    ("Spring filters (other)", r"org\.springframework\.(web\.filter|boot\.web\.servlet|boot\.tomcat)"),
    ("Spring MVC dispatch", r"org\.springframework"),
    ("Tomcat (connector, valves, filter chain)", r"(org\.apache\.(catalina|coyote|tomcat)|jakarta\.servlet)"),
    ("other project code", r"com\.example"),
    ("other libraries", r"(org|io|com|net)\."),
]


def main(path, after=None, only=""):
    counts = collections.Counter()
    total = 0
    for block in open(path).read().split("jdk.ExecutionSample {")[1:]:
        if after and re.search(r"startTime = (\d\d:\d\d:\d\d)", block).group(1) < after:
            continue
        thread = re.search(r'sampledThread = "([^"]*)"', block).group(1)
        if not thread.startswith(only):
            continue
        frames = [line.strip() for line in block.split("stackTrace = [")[1].split("\n")[1:]]
        layer = next((name for frame in frames for name, rx in LAYERS if re.match(rx, frame)),
                     "JDK only, thread " + re.sub(r"[-#]?\d+$", "", thread))
        counts[layer] += 1
        total += 1
    print(f"{total} samples")
    for layer, n in counts.most_common():
        print(f"{100 * n / max(1, total):5.1f}%  {n:6d}  {layer}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
