# Sourced by the benchmark scripts (issue 26): figures mean little without the machine they were taken on.
# Run the jar with $ND4J_LEVEL_LOG among its arguments (a Spring command; without Spring, ND4J logs it at INFO
# anyway), then `bench_host FILE...` prints one JSON line: the CPU model, the cores, the OpenBLAS settings the
# measured commands ran with (the Python peers read them too) and ND4J's binary level as it logged it in FILE.
ND4J_LEVEL_LOG=--logging.level.org.nd4j.linalg.cpu.nativecpu.CpuNDArrayFactory=INFO

# The prefix of the commands a script measures: empty, unless `compare_with_peer` was called.
measured_env=()

# A comparison with a Python peer runs both sides (ours and the peer) with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE
# unset, in those commands only: this project's machines set them (Haswell, 512), which cost the PyTorch peer a
# third of its BLAS speed on the AMD EPYC (docs/benchmarks.md). Tests and CI keep the environment as it is.
compare_with_peer() {
  measured_env=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)
}

# The python that can import the peer's modules ($PYTHON, else python3 or Debian's), or nothing: no peer then.
peer_python() {
  local candidate
  for candidate in ${PYTHON:-} python3 /usr/bin/python3; do
    "$candidate" -c "import $1" 2>/dev/null && { echo "$candidate"; return; }
  done
  return 0
}

bench_host() {
  local cpu level coretype=${OPENBLAS_CORETYPE:-unset} l2=${OPENBLAS_L2_SIZE:-unset} note=""
  cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: *//; s/ *$//')
  level=$(cat "$@" 2>/dev/null | grep -m1 -o 'Binary level .*' | sed 's/^Binary level //' || true)
  if [ ${#measured_env[@]} -gt 0 ]; then
    note=",\"openblasNote\":\"unset for this peer comparison only (the environment has OPENBLAS_CORETYPE=$coretype, OPENBLAS_L2_SIZE=$l2)\""
    coretype=unset l2=unset
  fi
  printf '{"case":"host","cpu":"%s","cores":%s,"nd4jBinaryLevel":"%s","openblasCoretype":"%s","openblasL2Size":"%s"%s}\n' \
    "$cpu" "$(nproc)" "${level:-unknown}" "$coretype" "$l2" "$note"
}
