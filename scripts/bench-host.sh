# Sourced by the benchmark scripts (issue 26): figures mean little without the machine they were taken on.
# Run the jar with $ND4J_LEVEL_LOG among its arguments (a Spring command; without Spring, ND4J logs it at INFO
# anyway), then `bench_host FILE...` prints one JSON line: the CPU model, the cores, the OpenBLAS settings in
# the environment (the Python peers read them too) and ND4J's binary level as it logged it in FILE.
ND4J_LEVEL_LOG=--logging.level.org.nd4j.linalg.cpu.nativecpu.CpuNDArrayFactory=INFO

bench_host() {
  local cpu level
  cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: *//; s/ *$//')
  level=$(cat "$@" 2>/dev/null | grep -m1 -o 'Binary level .*' | sed 's/^Binary level //' || true)
  printf '{"case":"host","cpu":"%s","cores":%s,"nd4jBinaryLevel":"%s","openblasCoretype":"%s","openblasL2Size":"%s"}\n' \
    "$cpu" "$(nproc)" "${level:-unknown}" "${OPENBLAS_CORETYPE:-unset}" "${OPENBLAS_L2_SIZE:-unset}"
}
