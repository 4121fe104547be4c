#!/usr/bin/env bash
# Installs the programs some tests drive from outside the build: Debian's
# `chromium`, which renders the HTML reports headless (tests/report_html_test.cc
# skips that check with a warning when it is missing), and `clang` for the
# libFuzzer targets (tools/fuzz.sh). Idempotent.
set -euo pipefail

log() { echo "[test tools] $*" >&2; }

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v clang++ >/dev/null 2>&1 || missing+=(clang)  # libFuzzer, for tools/fuzz.sh
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  log "${missing[*]} missing and there is no apt-get: the browser test skips, fuzzing fails"
  exit 0
fi
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
log "installing ${missing[*]} (headless rendering of the HTML reports; libFuzzer)"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
