#!/usr/bin/env bash
# Builds the server (CMake preset, default release) and the web client.
#   scripts/build.sh [preset] [cmake --build args...]
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"; shift || true
jobs="${PARLOR_BUILD_JOBS:-$(nproc)}"
# Let ccache reuse objects across checkouts in other folders (a fresh CI
# clone hits the cache of the previous build).
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$jobs" "$@"
