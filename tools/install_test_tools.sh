#!/usr/bin/env bash
# Installs the programs some tests drive from outside the build: Debian's
# `chromium`, which renders the HTML reports headless (tests/report_html_test.cc
# skips that check with a warning when it is missing). Idempotent: does
# nothing when chromium is already on PATH.
set -euo pipefail

log() { echo "[test tools] $*" >&2; }

if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  log "chromium is missing and there is no apt-get: the browser test will be skipped"
  exit 0
fi
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
log "installing chromium (headless rendering of the HTML reports)"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >&2
