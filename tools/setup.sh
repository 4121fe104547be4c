#!/usr/bin/env bash
# Installs everything the workbench needs on a fresh Debian machine, then prints
# the Torch CMake prefix on its last line. Idempotent: each step is skipped when
# its result is already there, so CI and repeated runs stay fast.
set -euo pipefail

TORCH_VERSION="${WORKBENCH_TORCH_VERSION:-2.11.0}"
CACHE_DIR="${WORKBENCH_CACHE:-$HOME/.cache/workbench}"
TORCH_DIR="$CACHE_DIR/torch-$TORCH_VERSION"

log() { echo "[setup] $*" >&2; }

install_debian_packages() {
  local wanted=(cmake ninja-build g++ pkg-config libtomlplusplus-dev libcli11-dev
                libsqlite3-dev catch2 libbenchmark-dev zlib1g-dev)
  local missing=()
  for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$pkg")
  done
  if ((${#missing[@]})); then
    if ! command -v apt-get >/dev/null; then
      log "missing packages ${missing[*]} and no apt-get: install them by hand"
      return 1
    fi
    log "installing Debian packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >&2
  fi
}

# Prints the CMake prefix of a torch that `python3` can already import at the
# wanted version (the GPU machine ships one), or nothing.
system_torch_prefix() {
  python3 - "$TORCH_VERSION" 2>/dev/null <<'PY' || true
import sys
import torch
if torch.__version__.split("+")[0] == sys.argv[1]:
    print(torch.utils.cmake_prefix_path)
PY
}

install_cached_torch() {
  if [ -f "$TORCH_DIR/.complete" ]; then
    return
  fi
  log "installing torch==$TORCH_VERSION into $TORCH_DIR (once; a few GB)"
  rm -rf "$TORCH_DIR.partial"
  python3 -m pip install --quiet --no-input --target "$TORCH_DIR.partial" \
    "torch==$TORCH_VERSION" numpy >&2
  rm -rf "$TORCH_DIR"
  mv "$TORCH_DIR.partial" "$TORCH_DIR"
  touch "$TORCH_DIR/.complete"
}

main() {
  install_debian_packages
  local prefix
  prefix="$(system_torch_prefix)"
  if [ -z "$prefix" ]; then
    install_cached_torch
    prefix="$TORCH_DIR/torch/share/cmake"
  fi
  echo "$prefix"
}

main "$@"
