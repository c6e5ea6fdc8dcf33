#!/usr/bin/env bash
# Builds the server (CMake preset, default release) and the web client.
#   scripts/build.sh [preset] [cmake --build args...]
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"; shift || true
jobs="${PARLOR_BUILD_JOBS:-$(nproc)}"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$jobs" "$@"
