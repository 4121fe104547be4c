# Sourced by tools/gpu_check.sh and tools/gpu_paper.sh, not run.
#
# A device call has a hard limit (10 minutes) and a session only 15 device
# minutes, so the scripts work to a deadline: WB_DEADLINE (seconds since the
# epoch) bounds every step by what is left of it, less a margin for the
# summary, and a step that would start too late is skipped with a line that
# says so. The call then ends with its logs and stores in $OUT instead of
# being killed half-way. Without WB_DEADLINE each step has its own limit only.
BUILD=${WB_GPU_BUILD:-/tmp/build}
started=$(date +%s)
exec 3>&1 # the script's own output, for lines of steps whose output goes to a log
stamp() { echo "[$(($(date +%s) - started)) s] $*"; }

# The seconds a step may run: at most $1 and what the deadline leaves after a
# 20 s margin; 0 when that is under 20 s.
step_budget() {
  local want=$1 left
  if [ -z "${WB_DEADLINE:-}" ]; then
    echo "$want"
    return
  fi
  left=$((WB_DEADLINE - $(date +%s) - 20))
  if [ "$left" -lt 20 ]; then
    echo 0
  elif [ "$left" -lt "$want" ]; then
    echo "$left"
  else
    echo "$want"
  fi
}

# bounded SECONDS LABEL COMMAND...: COMMAND under timeout(1), within the
# deadline; exit code 124 when it ran out of time or was skipped.
bounded() {
  local budget label=$2
  budget=$(step_budget "$1")
  shift 2
  if [ "$budget" -eq 0 ]; then
    echo "skipped $label: the deadline is near" >&3
    return 124
  fi
  timeout "$budget" "$@"
}

# build_targets TARGET...: configures $BUILD for Hopper (sm_90) and builds the
# targets; a warm machine's earlier build is reused. Logs to $OUT/build.log.
build_targets() {
  stamp "configure and build: $*"
  if ! { cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 \
    -DCMAKE_PREFIX_PATH="${CMAKE_PREFIX_PATH:-}" && cmake --build "$BUILD" --target "$@"; } \
    >>"$OUT/build.log" 2>&1; then
    tail -40 "$OUT/build.log"
    return 1
  fi
}
