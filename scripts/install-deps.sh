#!/usr/bin/env bash
# Installs, from Debian's packages, whatever Parlor needs and is missing.
#   scripts/install-deps.sh          build + run dependencies
#   scripts/install-deps.sh --test   also what the test suite needs
#                                    (PostgreSQL, Redis, Chromium, fuzzing)
# Idempotent: packages already installed are skipped, and apt is only
# touched when something is missing.
set -euo pipefail

build_pkgs=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev libsodium-dev libjwt-dev libspdlog-dev libfmt-dev
  libcli11-dev libtomlplusplus-dev libmagic-dev libvips-dev
  libhiredis-dev libpq-dev libjemalloc-dev libssl-dev ca-certificates nodejs npm
)
test_pkgs=(
  libgtest-dev libgmock-dev libbenchmark-dev clang libclang-rt-14-dev
  clang-format postgresql redis-server chromium fonts-noto-color-emoji procps gnuplot-nox curl
)

pkgs=("${build_pkgs[@]}")
[ "${1:-}" = "--test" ] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node/npm may come from elsewhere (e.g. a newer nodejs that bundles npm)
if command -v node >/dev/null && command -v npm >/dev/null; then
  tmp=(); for p in "${missing[@]+"${missing[@]}"}"; do case "$p" in nodejs|npm) ;; *) tmp+=("$p");; esac; done
  missing=("${tmp[@]+"${tmp[@]}"}")
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: everything is installed"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
# Debian starts these services on install; tests start their own instances.
for svc in postgresql redis-server; do
  if [[ " ${missing[*]} " == *" $svc "* ]] && command -v service >/dev/null; then
    $SUDO service "$svc" stop >/dev/null 2>&1 || true
  fi
done
