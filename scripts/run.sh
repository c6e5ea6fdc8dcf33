#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a running Parlor:
# installs what is missing, builds the server and the web client, and serves
# http://localhost:8080 with the embedded store in ./data.
# Extra arguments go to parlor (e.g. --listen 0.0.0.0:8080).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release --target parlor
scripts/build-web.sh
mkdir -p data
exec build/release/src/app/parlor --listen 127.0.0.1:8080 --data-dir ./data --web-root ./web/dist "$@"
