#!/bin/sh
# Container entrypoint of the sentiment service.
#  1. Seeds the models volume with the model(s) bundled in the image when the volume holds no model yet.
#  2. Adds container-friendly JVM defaults unless JAVA_OPTS / JAVA_TOOL_OPTIONS / JDK_JAVA_OPTIONS set them.
#  3. Replaces itself with the JVM (exec), so the JVM is PID 1 and receives SIGTERM for graceful shutdown.
# Arguments are passed to the application (e.g. `train ...` runs the training command instead of the server).
set -eu

log() { echo "entrypoint: $*" >&2; }

models_dir=${SENTIMENT_MODELS_DIR:-/models}
defaults_dir=${SENTIMENT_DEFAULT_MODELS_DIR:-/opt/sentiment/default-models}

# Lists the entries of a directory that are not hidden (hidden ones are housekeeping: .jobs, .tmp-*, ...).
visible_entries() { ls -1 "$1" 2>/dev/null || true; }

# Copies a file or folder into the models directory under a ".tmp-" name, then renames it into place, so an
# interrupted copy never looks like a model (the service deletes ".tmp-*" left-overs at start).
seed_entry() {
  name=$1
  tmp="$models_dir/.tmp-seed-$name"
  rm -rf "$tmp"
  cp -R "$defaults_dir/$name" "$tmp"
  mv "$tmp" "$models_dir/$name"
}

seed_models() {
  [ "${SENTIMENT_SEED_MODELS:-true}" = "true" ] || return 0
  [ -d "$defaults_dir" ] || return 0
  [ -n "$(visible_entries "$defaults_dir")" ] || return 0
  mkdir -p "$models_dir" 2>/dev/null || true
  if [ -n "$(visible_entries "$models_dir")" ]; then
    return 0
  fi
  if [ ! -w "$models_dir" ]; then
    log "cannot seed $models_dir: not writable by uid $(id -u) (mount a volume owned by $(id -u):$(id -g))"
    return 0
  fi
  log "seeding the empty models directory $models_dir from $defaults_dir"
  for name in $(visible_entries "$defaults_dir"); do
    # the active-version pointer goes last, once the version it names is in place
    [ "$name" = active ] || seed_entry "$name"
  done
  if [ -e "$defaults_dir/active" ]; then
    seed_entry active
  fi
}

seed_models

# JVM defaults; each one is left out when the operator already set it in one of the option variables.
user_opts=" ${JAVA_TOOL_OPTIONS:-} ${JDK_JAVA_OPTIONS:-} ${JAVA_OPTS:-} "
is_set() {
  for pattern in "$@"; do
    case $user_opts in *"$pattern"*) return 0 ;; esac
  done
  return 1
}
jvm_defaults=""
# heap: a share of the container's memory limit (the JVM reads the cgroup limit)
is_set -Xmx -XX:MaxRAMPercentage= -XX:MaxRAM= || jvm_defaults="$jvm_defaults -XX:MaxRAMPercentage=40"
# ND4J's off-heap arrays (JavaCPP): percentages are of the maximum heap, so with the defaults
#   off-heap <= 40% and the whole process (RSS, heap included) <= 90% of the container limit,
# which makes JavaCPP fail an allocation with OutOfMemoryError before the kernel kills the container.
is_set javacpp.maxbytes= javacpp.maxBytes= || jvm_defaults="$jvm_defaults -Dorg.bytedeco.javacpp.maxbytes=100%"
is_set javacpp.maxphysicalbytes= javacpp.maxPhysicalBytes= \
  || jvm_defaults="$jvm_defaults -Dorg.bytedeco.javacpp.maxphysicalbytes=225%"
# natives pre-extracted at image build time (read-only is fine); without them (PREWARM_NATIVES=false) JavaCPP
# extracts them at every start into a writable directory
if ! is_set javacpp.cachedir= javacpp.cacheDir=; then
  cache_dir=${JAVACPP_CACHE_DIR:-/opt/sentiment/javacpp}
  [ -n "$(visible_entries "$cache_dir")" ] || cache_dir=/tmp/javacpp
  jvm_defaults="$jvm_defaults -Dorg.bytedeco.javacpp.cachedir=$cache_dir"
fi

log "java$jvm_defaults ${JAVA_OPTS:-} (OMP_NUM_THREADS=${OMP_NUM_THREADS:-unset})"
# shellcheck disable=SC2086 # option lists are split into words on purpose
exec java $jvm_defaults ${JAVA_OPTS:-} -cp /app org.springframework.boot.loader.launch.JarLauncher "$@"
